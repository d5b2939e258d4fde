import type { CommandOutcome } from '@easel/schemas';
import type { StoredOutcome } from '../spine/EventSpine.ts';

/** The outcome of a repeated command id (contract §5): `duplicate`, with the original's cursor and revision. */
export function duplicateOutcome(stored: StoredOutcome): CommandOutcome {
  return { status: 'duplicate', cursor: stored.cursor, revision: stored.revision };
}
