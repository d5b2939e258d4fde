import { describe, expect, it } from 'vitest';
import type { Flow } from '../flows/flowSchema.ts';
import { agentCanvasId, shownCanvasIds } from './shownCanvasIds.ts';

function flow(template: Flow['template'], agent?: string): Flow {
  return {
    name: 'f',
    template,
    project_id: 'demo',
    canvases: [
      { canvas_id: 'a', canvas_type: 'board', title: 'A' },
      { canvas_id: 'b', canvas_type: 'board', title: 'B' },
      { canvas_id: 'c', canvas_type: 'board', title: 'C' },
    ],
    ...(agent !== undefined ? { agent: { prompt: 'p', canvas_id: agent } } : {}),
  };
}

describe('shownCanvasIds: the canvases the first render mounts', () => {
  it('studio: the chosen canvas (else the first), plus the agent’s', () => {
    expect(shownCanvasIds(flow('studio'), null)).toEqual(['a']);
    expect(shownCanvasIds(flow('studio'), 'b')).toEqual(['a', 'b']);
    expect(shownCanvasIds(flow('studio', 'c'), 'c')).toEqual(['c']);
    expect(shownCanvasIds(flow('studio', 'c'), null)).toEqual(['c', 'a']);
    // Not one of the flow's: the first.
    expect(shownCanvasIds(flow('studio'), 'zz')).toEqual(['a']);
  });

  it('console shows its first canvas; split its first two', () => {
    expect(shownCanvasIds(flow('console', 'b'), 'c')).toEqual(['b', 'a']);
    expect(shownCanvasIds(flow('split'), 'c')).toEqual(['a', 'b']);
    expect(shownCanvasIds(flow('split', 'c'), null)).toEqual(['c', 'a', 'b']);
  });

  it('agentCanvasId: the agent’s canvas, else the first', () => {
    expect(agentCanvasId(flow('studio'))).toBe('a');
    expect(agentCanvasId(flow('studio', 'b'))).toBe('b');
  });
});
