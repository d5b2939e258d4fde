import type { Flow } from '../flows/flowSchema.ts';

/** The canvas the flow's agent works on (the host's outer provider): `agent.canvas_id`, else the first. */
export function agentCanvasId(flow: Flow): string {
  const target = flow.agent?.canvas_id;
  return target !== undefined && flow.canvases.some((c) => c.canvas_id === target)
    ? target
    : flow.canvases[0]!.canvas_id;
}

/**
 * The canvases the flow's first render mounts, so the host can open their streams before React
 * renders them: the agent's canvas (the outer provider's) and what the template shows first, as
 * `FlowView` wires it — Studio the chosen canvas (`selected` when it is one of the flow's, else the
 * first), Console the first, Split the first two. Other canvases connect when they are mounted (a
 * lens following an agent, a tab picked): every open stream holds one of the browser's few
 * HTTP/1.1 connections per origin.
 */
export function shownCanvasIds(flow: Flow, selected: string | null): string[] {
  const ids = flow.canvases.map((c) => c.canvas_id);
  const shown =
    flow.template === 'split'
      ? ids.slice(0, 2)
      : flow.template === 'studio' && selected !== null && ids.includes(selected)
        ? [selected]
        : [ids[0]!];
  const agent = agentCanvasId(flow);
  return shown.includes(agent) ? shown : [agent, ...shown];
}
