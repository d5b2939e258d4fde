import { decodeCursor } from '@easel/schemas';
import type { EventSpine, PartitionId, StoredOutcome } from '../spine/EventSpine.ts';

/** The last event an idempotent append stored (its type and parsed envelope). */
export interface StoredCommandEvent {
  readonly type: string;
  readonly envelope: { readonly payload?: Record<string, unknown> } & Record<string, unknown>;
}

/**
 * The last event of the append stored under a command id (at `outcome.cursor`), or null (no
 * event there, an unreadable cursor or envelope, a failed read). Lets a lookup of a legacy
 * internal key tell the gateway's own append from a client command that took the same id.
 * Never throws.
 */
export async function storedCommandEvent(
  spine: Pick<EventSpine, 'read'>,
  partition: PartitionId,
  outcome: StoredOutcome,
): Promise<StoredCommandEvent | null> {
  const decoded = decodeCursor(outcome.cursor);
  if (!decoded.ok || decoded.value.seq < 1) return null;
  try {
    const [event] = await spine.read(partition, decoded.value.seq - 1, { limit: 1 });
    if (event === undefined || event.seq !== decoded.value.seq) return null;
    const envelope = JSON.parse(event.envelope) as StoredCommandEvent['envelope'];
    return { type: event.type, envelope };
  } catch {
    return null;
  }
}
