import type { CanvasTypeManifest } from '@easel/schemas';

/**
 * The `run-console` canvas type: a shared record of agent runs (`runs`: map of run id →
 * `{goal, status?, verdict?, started_at?}`, written by agents or the host with `state.ops`) and the run
 * the console follows (`console.run_id`). The live events come from the run stream (contract §10), which
 * the host passes in (`RunConsoleCanvasProps.run`). Registered by the host (not a gateway built-in).
 */
export const RUN_CONSOLE_MANIFEST: CanvasTypeManifest = {
  type: 'run-console',
  version: '1.0.0',
  title: 'Run console',
  description: 'Agent runs: streamed output, tool calls and verdicts.',
  roots: { runs: 'map' },
  tokens: {
    'console.run_id': { type: 'string', max_length: 64, default: '' },
    'console.show_thoughts': { type: 'boolean', default: true },
    'plan.title': { type: 'string', max_length: 200, default: '' },
  },
  tools: [],
};
