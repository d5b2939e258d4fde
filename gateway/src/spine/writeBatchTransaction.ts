import type { AppendRequest } from '../core/spine/EventSpine.ts';
import type { CommitContext } from './BatchCommitter.ts';
import { floorKey, storedFloor } from './sqliteStatements.ts';
import type { WriteOp } from './WriteQueue.ts';

/** A batch written on the spine's own connection: per op, its result (compact's deleted count, recordIf's verdict). */
export type BatchTransaction = { ok: true; results: unknown[] } | { ok: false; cause: unknown };

/**
 * Writes `batch` in one transaction on the spine's own connection (the event loop): multi-row
 * inserts of every append's events and command outcome, then the other ops, then COMMIT (which
 * fsyncs or not per the connection's `synchronous`). On failure the transaction is rolled back:
 * nothing of the batch is stored. Settles no op (the caller does).
 */
export function writeBatchTransaction(ctx: CommitContext, batch: readonly WriteOp[]): BatchTransaction {
  const { sql } = ctx;
  const results = new Array<unknown>(batch.length);
  try {
    sql.begin.run();
    const eventParams: unknown[] = [];
    const commandParams: unknown[] = [];
    for (const op of batch) {
      if (op.op !== 'append') continue;
      for (let i = 0; i < op.events.length; i++) {
        const event = op.events[i] as AppendRequest['events'][number];
        eventParams.push(op.partition, op.firstSeq + i, event.canvasId, event.type, event.envelope);
      }
      if (op.commandId !== undefined && op.outcome !== null) {
        commandParams.push(op.partition, op.commandId, op.outcome.cursor, op.outcome.revision);
      }
    }
    if (eventParams.length > 0) sql.insertEvents.run(eventParams);
    if (commandParams.length > 0) sql.insertCommands.run(commandParams);
    for (let i = 0; i < batch.length; i++) results[i] = applyOther(ctx, batch[i] as WriteOp);
    sql.commit.run();
  } catch (cause) {
    try {
      if (ctx.db.inTransaction) ctx.db.exec('ROLLBACK');
    } catch {
      // The connection is gone (closed under us); SQLite discards the open transaction with it.
    }
    return { ok: false, cause };
  }
  return { ok: true, results };
}

/** Writes a non-append op inside the open transaction; returns its result. */
function applyOther({ sql }: CommitContext, op: WriteOp): unknown {
  switch (op.op) {
    case 'append':
      return undefined;
    case 'snapshot': {
      const s = op.snapshot;
      sql.upsertSnapshot.run([op.partition, s.canvasId, s.seq, s.revision, s.state, s.meta]);
      return undefined;
    }
    case 'record':
      sql.putRecord.run([op.kind, op.key, op.value]);
      return undefined;
    case 'recordIf': {
      const { changes } =
        op.expected === null
          ? sql.insertRecordIfAbsent.run([op.kind, op.key, op.value])
          : sql.updateRecordIf.run([op.value, op.kind, op.key, op.expected]);
      return changes === 1;
    }
    case 'compact': {
      const floor = storedFloor(sql, op.partition) ?? 1;
      if (op.beforeSeq <= floor) return 0;
      const { changes } = sql.deleteBefore.run([op.partition, op.beforeSeq]);
      sql.putMeta.run([floorKey(op.partition), String(op.beforeSeq)]);
      return changes;
    }
  }
}
