import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import type { TurnInfo } from './TurnLedger.ts';

const PAGE = 1000;
/** Most events scanned (a turn's commit follows its acceptance closely). */
const MAX_EVENTS = 100_000;

/**
 * Shared spines: whether another node appended `turn_cancelled` for the turn between its
 * `turn_accepted` and `head` (read inside a write turn, so nothing can be appended meanwhile).
 * Bounded scan of the canvas's events; never throws for a malformed envelope.
 */
export async function turnCancelledAfter(
  spine: Pick<EventSpine, 'read'>,
  partition: PartitionId,
  turn: Pick<TurnInfo, 'turnId' | 'acceptedSeq' | 'scope'>,
  head: number,
): Promise<boolean> {
  let after = turn.acceptedSeq;
  for (let scanned = 0; after < head && scanned < MAX_EVENTS; ) {
    const page = await spine.read(partition, after, { canvasId: turn.scope.canvas_id, limit: PAGE });
    for (const event of page) {
      if (event.seq > head) return false;
      if (event.type === 'turn_cancelled' && event.envelope.includes(turn.turnId)) {
        try {
          const parsed = JSON.parse(event.envelope) as { payload?: { turn_id?: unknown } };
          if (parsed.payload?.turn_id === turn.turnId) return true;
        } catch {
          // not JSON: not ours
        }
      }
    }
    scanned += page.length;
    if (page.length < PAGE) return false;
    after = page[page.length - 1]!.seq;
  }
  return false;
}
