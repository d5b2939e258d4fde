import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../stores/TimelineEntry.ts';
import { pickActiveCanvas } from './pickActiveCanvas.ts';

let n = 0;
const entry = (type: string, canvasId: string | undefined, payload: Record<string, unknown>): TimelineEntry => {
  n += 1;
  return {
    key: `e${n}`,
    type,
    timestamp: new Date(Date.UTC(2026, 0, 5, 10, 0, n)).toISOString(),
    actor: null,
    durable: true,
    scope: canvasId ? { canvas_id: canvasId } : {},
    turnId: null,
    summary: '',
    payload,
    source: 'realtime',
  };
};

describe('pickActiveCanvas (CanvasLens)', () => {
  it('follows the canvas of a running turn until it commits', () => {
    const started = [entry('turn_accepted', 'doc', { turn_id: 't1' })];
    expect(pickActiveCanvas(started, ['board', 'doc'])).toMatchObject({ canvasId: 'doc', reason: 'turn', id: 't1' });
    const ended = [...started, entry('commit_succeeded', 'doc', { turn_id: 't1', revision: 3 })];
    expect(pickActiveCanvas(ended, ['board', 'doc'])).toBeNull();
  });

  it('the most recently started of several running turns and runs wins', () => {
    const entries = [
      entry('turn_accepted', 'board', { turn_id: 't1' }),
      entry('run_event', 'doc', { run_id: 'r1', kind: 'thought', text: 'hm' }),
      entry('run_event', 'board', { run_id: 'r1', kind: 'tool', call_id: 'c', tool: 'x', phase: 'call' }),
    ];
    expect(pickActiveCanvas(entries, ['board', 'doc'])).toMatchObject({ canvasId: 'doc', reason: 'run', id: 'r1' });
    const verdict = [...entries, entry('run_event', 'doc', { run_id: 'r1', kind: 'verdict', verdict: 'pass' })];
    expect(pickActiveCanvas(verdict, ['board', 'doc'])).toMatchObject({ canvasId: 'board', reason: 'turn' });
  });

  it('ignores canvases the lens does not show, and events without a canvas', () => {
    const entries = [
      entry('turn_accepted', 'elsewhere', { turn_id: 't1' }),
      entry('turn_accepted', undefined, { turn_id: 't2' }),
    ];
    expect(pickActiveCanvas(entries, ['board'])).toBeNull();
  });
});
