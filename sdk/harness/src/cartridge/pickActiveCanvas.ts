import type { TimelineEntry } from '../stores/TimelineEntry.ts';

/** The canvas an agent is working on right now, and why. */
export interface ActiveCanvasPick {
  readonly canvasId: string;
  readonly reason: 'turn' | 'run';
  /** The turn or run id. */
  readonly id: string;
  readonly since: string;
}

const TURN_END = new Set(['turn_final', 'turn_cancelled', 'commit_succeeded', 'commit_failed']);

/**
 * The canvas (among `canvasIds`) that the most recently started, still running turn or run
 * targets, read from the timeline; null when nothing runs there. A turn runs from
 * `turn_accepted` to its final answer, commit or cancel; a run from its first event to its verdict.
 */
export function pickActiveCanvas(
  entries: readonly TimelineEntry[],
  canvasIds: readonly string[],
): ActiveCanvasPick | null {
  const allowed = new Set(canvasIds);
  const open = new Map<string, ActiveCanvasPick>();
  for (const entry of entries) {
    const canvasId = entry.scope?.canvas_id;
    const p = entry.payload as Record<string, unknown>;
    if (entry.type === 'turn_accepted') {
      const turnId = typeof p.turn_id === 'string' ? p.turn_id : entry.turnId;
      if (turnId && canvasId && allowed.has(canvasId)) {
        open.delete(`turn:${turnId}`);
        open.set(`turn:${turnId}`, { canvasId, reason: 'turn', id: turnId, since: entry.timestamp });
      }
    } else if (TURN_END.has(entry.type)) {
      const turnId = typeof p.turn_id === 'string' ? p.turn_id : entry.turnId;
      if (turnId) open.delete(`turn:${turnId}`);
    } else if (entry.type === 'run_event') {
      const runId = typeof p.run_id === 'string' ? p.run_id : entry.scope?.run_id;
      if (!runId) continue;
      const key = `run:${runId}`;
      if (p.kind === 'verdict') open.delete(key);
      else if (!open.has(key) && canvasId && allowed.has(canvasId)) {
        open.set(key, { canvasId, reason: 'run', id: runId, since: entry.timestamp });
      }
    }
  }
  let newest: ActiveCanvasPick | null = null;
  for (const pick of open.values()) newest = pick; // Map keeps insertion order: the last started wins
  return newest;
}
