import type { Pool } from 'pg';
import type { PartitionId } from '../../core/spine/EventSpine.ts';
import { SpineError } from '../../core/spine/SpineError.ts';
import type { PgStatements } from './pgSql.ts';

/** A stored head (bigint, parsed to a number); 0 when the partition has no row. */
export function asHead(value: unknown, partition: PartitionId): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SpineError('corrupt_row', `corrupt head of ${partition}: ${JSON.stringify(value)}`, { partition });
  }
  return value;
}

/**
 * Deletes the partition's events below `beforeSeq` and raises its floor, in one transaction;
 * returns how many rows went. The floor row (not the head row) is locked, so compaction never
 * waits for a write turn, and it never goes past the durable head: a turn's pending rows (all
 * above it) are never touched, and seqs are never reused (the head row keeps counting).
 */
export async function compactPartition(
  pool: Pool,
  sql: PgStatements,
  partition: PartitionId,
  beforeSeq: number,
): Promise<number> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const head = asHead(
      (await client.query({ ...sql.head, values: [partition], rowMode: 'array' })).rows[0]?.[0],
      partition,
    );
    const target = Math.min(beforeSeq, head + 1);
    await client.query({ ...sql.ensureFloor, values: [partition] });
    const floor = Number(
      (await client.query({ ...sql.lockFloor, values: [partition], rowMode: 'array' })).rows[0]?.[0],
    );
    if (target <= floor) {
      await client.query('COMMIT');
      return 0;
    }
    const deleted = await client.query({ ...sql.deleteBefore, values: [partition, target] });
    await client.query({ ...sql.setFloor, values: [partition, target] });
    await client.query('COMMIT');
    return deleted.rowCount ?? 0;
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => {});
    // An engine error may have left the connection unusable: do not hand it back to the pool.
    if (!(cause instanceof SpineError)) broken = cause instanceof Error ? cause : new Error(String(cause));
    throw cause;
  } finally {
    client.release(broken);
  }
}
