/**
 * The SSE cursor (contract §4, WIRE-NOTES): `<epoch>-<seq>` where `epoch` is `[a-z0-9]{8,16}`
 * (changes when a partition's log is wiped) and `seq` the decimal position in the partition.
 * Opaque to outside clients.
 */
export interface Cursor {
  epoch: string;
  /** Non-negative safe integer. */
  seq: number;
}

export type DecodeCursorResult = { ok: true; value: Cursor } | { ok: false; reason: string };

const EPOCH_RE = /^[a-z0-9]{8,16}$/;
const CURSOR_RE = /^([a-z0-9]{8,16})-(0|[1-9][0-9]{0,15})$/;
const MAX_CURSOR_LENGTH = 64;

/** True when `epoch` is a well-formed epoch. */
export function isValidEpoch(epoch: unknown): epoch is string {
  return typeof epoch === 'string' && EPOCH_RE.test(epoch);
}

/** Encodes a cursor. Throws on a malformed epoch or seq (programmer error). */
export function encodeCursor(cursor: Cursor): string {
  if (!isValidEpoch(cursor.epoch)) throw new RangeError(`cursor epoch must match ${EPOCH_RE.source}`);
  if (!Number.isSafeInteger(cursor.seq) || cursor.seq < 0) {
    throw new RangeError('cursor seq must be a non-negative safe integer');
  }
  return `${cursor.epoch}-${cursor.seq}`;
}

/** Decodes a cursor's text form. Never throws; junk gives `{ok: false, reason}`. */
export function decodeCursor(text: unknown): DecodeCursorResult {
  if (typeof text !== 'string') return { ok: false, reason: 'cursor must be a string' };
  if (text.length > MAX_CURSOR_LENGTH) return { ok: false, reason: 'cursor is too long' };
  const m = CURSOR_RE.exec(text);
  if (!m) return { ok: false, reason: 'cursor is not of the form <epoch>-<seq>' };
  const seq = Number(m[2]);
  if (!Number.isSafeInteger(seq)) return { ok: false, reason: 'cursor seq is out of range' };
  return { ok: true, value: { epoch: m[1]!, seq } };
}

/**
 * Orders two cursors of the same epoch by seq (negative, 0, positive). Cursors of different
 * epochs are not comparable: that is a programmer error (check `epoch` first) and throws.
 */
export function compareCursors(a: Cursor, b: Cursor): number {
  if (a.epoch !== b.epoch) throw new RangeError('compareCursors: cursors of different epochs are not comparable');
  return a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}
