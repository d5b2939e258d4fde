import { decodeCursor } from '@easel/schemas';

/** How a stream starts, given the client's cursor and the partition's log. */
export type ResumePlan =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'resume'; readonly afterSeq: number }
  | { readonly kind: 'reset'; readonly why: ResetWhy };

/** Why a cursor could not be resumed (contract §4: reset with a snapshot instead). */
export type ResetWhy = 'malformed' | 'other_epoch' | 'compacted' | 'ahead';

/** What the log looks like right now. */
export interface LogPosition {
  /** The spine's epoch. */
  readonly epoch: string;
  /** Lowest seq still readable (1 when nothing was compacted). */
  readonly floor: number;
  /** Last seq of the partition (0 when empty). */
  readonly head: number;
}

/**
 * Decides how to start a stream (contract §4): no cursor → fresh (snapshot); a cursor of the
 * current epoch whose successor is still readable → resume after it; anything else (malformed,
 * another epoch, compacted away, or beyond the head) → reset with a snapshot. Never throws.
 */
export function decideResume(after: string | null | undefined, log: LogPosition): ResumePlan {
  if (after === null || after === undefined || after === '') return { kind: 'fresh' };
  const decoded = decodeCursor(after);
  if (!decoded.ok) return { kind: 'reset', why: 'malformed' };
  const { epoch, seq } = decoded.value;
  if (epoch !== log.epoch) return { kind: 'reset', why: 'other_epoch' };
  if (seq < log.floor - 1) return { kind: 'reset', why: 'compacted' };
  if (seq > log.head) return { kind: 'reset', why: 'ahead' };
  return { kind: 'resume', afterSeq: seq };
}
