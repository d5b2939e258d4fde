import type { PartitionId, Snapshot, StoredEvent, StoredOutcome } from './EventSpine.ts';
import { SpineError } from './SpineError.ts';

/**
 * Validators for rows read back from a spine's store. Stored rows are untrusted input at load
 * (a hand-edited file, a bad migration, disk corruption): each decoder returns a value, never
 * throws, and names the row and the field that is wrong. Engine-neutral: the SQLite and
 * PostgreSQL spines pass the column values they read.
 */
export type RowResult<T> = { ok: true; value: T } | { ok: false; error: SpineError };

function corrupt(what: string, reason: string, details: Record<string, unknown>): { ok: false; error: SpineError } {
  return { ok: false, error: new SpineError('corrupt_row', `corrupt ${what}: ${reason}`, details) };
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isJsonObjectText(text: string): boolean {
  if (text.length < 2 || text.charCodeAt(0) !== 123 /* { */) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Columns (seq, canvas_id, type, envelope) of one events row. */
export function decodeEventRow(partition: PartitionId, row: readonly unknown[]): RowResult<StoredEvent> {
  const [seq, canvasId, type, envelope] = row;
  const where = { partition, seq };
  if (row.length !== 4) return corrupt('event row', `expected 4 columns, got ${row.length}`, where);
  if (!isSeq(seq)) return corrupt('event row', 'seq is not a positive integer', where);
  if (canvasId !== null && typeof canvasId !== 'string') {
    return corrupt('event row', 'canvas_id is neither text nor null', where);
  }
  if (typeof type !== 'string' || type.length === 0) return corrupt('event row', 'type is not non-empty text', where);
  if (typeof envelope !== 'string' || !isJsonObjectText(envelope)) {
    return corrupt('event row', 'envelope is not JSON object text', where);
  }
  return { ok: true, value: { seq, partition, canvasId, type, envelope } };
}

/** Columns (cursor, revision) of one commands row. */
export function decodeOutcomeRow(
  partition: PartitionId,
  commandId: string,
  row: readonly unknown[],
): RowResult<StoredOutcome> {
  const [cursor, revision] = row;
  const where = { partition, commandId };
  if (typeof cursor !== 'string' || cursor.length === 0) return corrupt('command row', 'cursor is not text', where);
  if (!isNonNegativeInt(revision)) return corrupt('command row', 'revision is not a non-negative integer', where);
  return { ok: true, value: { cursor, revision } };
}

/** Columns (seq, revision, state, meta) of one snapshots row. */
export function decodeSnapshotRow(
  partition: PartitionId,
  canvasId: string,
  row: readonly unknown[],
): RowResult<Snapshot> {
  const [seq, revision, state, meta] = row;
  const where = { partition, canvasId };
  if (!isNonNegativeInt(seq)) return corrupt('snapshot row', 'seq is not a non-negative integer', where);
  if (!isNonNegativeInt(revision)) return corrupt('snapshot row', 'revision is not a non-negative integer', where);
  if (!(state instanceof Uint8Array)) return corrupt('snapshot row', 'state is not a blob', where);
  if (typeof meta !== 'string') return corrupt('snapshot row', 'meta is not text', where);
  // A plain Uint8Array view (drivers hand out Buffers); callers compare and hash bytes, not classes.
  const bytes = new Uint8Array(state.buffer, state.byteOffset, state.byteLength);
  return { ok: true, value: { canvasId, seq, revision, state: bytes, meta } };
}

/** The value column of one records row. */
export function decodeRecordValue(kind: string, key: string, value: unknown): RowResult<string> {
  if (typeof value !== 'string') return corrupt('record row', 'value is not text', { kind, key });
  return { ok: true, value };
}
