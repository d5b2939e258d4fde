import type { TurnHistory, TurnHistoryEntry } from '@easel/schemas';
import { encodeCursor } from '@easel/schemas';
import type { LensView } from './lens/LensView.ts';
import { projectEvent } from './projectEvent.ts';
import type { EventSpine, PartitionId } from './spine/EventSpine.ts';

/** The durable chat/turn events a turn's history is folded from (contract §4; tokens are telemetry). */
export const TURN_HISTORY_TYPES: ReadonlySet<string> = new Set([
  'turn_accepted',
  'turn_final',
  'turn_cancelled',
  'commit_succeeded',
  'commit_failed',
]);

/** Options of {@link readTurnHistory}. */
export interface TurnHistoryOptions {
  /** At most this many turns, the newest. */
  readonly turns: number;
  /** How many of the partition's newest events are searched (bounds the work of one request). */
  readonly window: number;
  /** Events per spine read. */
  readonly pageSize?: number;
}

function turnIdOf(envelope: Record<string, unknown>): string | null {
  if (typeof envelope.turn_id === 'string') return envelope.turn_id;
  const payload = envelope.payload as Record<string, unknown> | undefined;
  return typeof payload?.turn_id === 'string' ? payload.turn_id : null;
}

/**
 * The recent agent turns of one canvas, as the viewer's streams would have shown them: the durable
 * turn events (`turn_accepted`, `turn_final`, `turn_cancelled`, `commit_succeeded`,
 * `commit_failed`) of the newest `turns` turns among the partition's newest `window` events, in
 * seq order, each filtered through the viewer's lens exactly as on a stream (`projectEvent`:
 * hidden ones left out, `turn_final` redacted). A page opened after a conversation folds them
 * into its chat. `complete` is false when older events exist that were not searched.
 */
export async function readTurnHistory(
  spine: Pick<EventSpine, 'epoch' | 'head' | 'floor' | 'read'>,
  partition: PartitionId,
  canvasId: string,
  view: LensView,
  options: TurnHistoryOptions,
): Promise<TurnHistory> {
  const [head, floor] = await Promise.all([spine.head(partition), spine.floor(partition)]);
  const start = Math.max(floor, head - options.window);
  const pageSize = options.pageSize ?? 500;
  const found: Array<{ turnId: string; entry: TurnHistoryEntry }> = [];
  let after = start;
  while (after < head) {
    const page = await spine.read(partition, after, { canvasId, limit: pageSize });
    if (page.length === 0) break;
    for (const stored of page) {
      if (!TURN_HISTORY_TYPES.has(stored.type)) continue;
      const json = projectEvent(view, stored);
      if (json === null) continue;
      const envelope = JSON.parse(json) as Record<string, unknown>;
      const turnId = turnIdOf(envelope);
      if (turnId === null) continue;
      const cursor = encodeCursor({ epoch: spine.epoch, seq: stored.seq });
      found.push({ turnId, entry: { cursor, event: envelope as TurnHistoryEntry['event'] } });
    }
    after = page[page.length - 1]!.seq;
  }
  // The newest `turns` turns: by each turn's last event.
  const keep = new Set<string>();
  for (let i = found.length - 1; i >= 0 && keep.size < options.turns; i--) keep.add(found[i]!.turnId);
  return {
    events: found.filter((f) => keep.has(f.turnId)).map((f) => f.entry),
    complete: start <= floor,
  };
}
