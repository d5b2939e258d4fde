import type { ClientBase } from 'pg';
import { SpineError } from '../../core/spine/SpineError.ts';
import type { PgStatements } from './pgSql.ts';
import type { PgTurn, TurnAppend } from './PgTurn.ts';

export function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Writes a turn's rows on its connection (inside the transaction that holds the partition's
 * lock) and commits. Returns null, or the error the turn failed with, after ROLLBACK and after
 * rejecting every append of the turn.
 *
 * Command ids not looked up during the turn are checked first (the lock is held, so the answer
 * holds until COMMIT): a stored one fails the turn with `duplicate_command` (that append) and
 * `write_failed` (the others) instead of a broken unique key. Events, outcomes and the new head
 * go in one statement (`unnest` arrays); a turn of more than `maxRowsPerStatement` rows sends its
 * first chunks ahead.
 */
export async function commitTurn(
  client: ClientBase,
  turn: PgTurn,
  sql: PgStatements,
  maxRowsPerStatement: number,
): Promise<SpineError | null> {
  const partition = turn.partition;
  try {
    if (turn.appends.length === 0) {
      await client.query('COMMIT');
      return null;
    }
    const unchecked = turn.uncheckedCommandIds();
    if (unchecked.length > 0) {
      const { rows } = await client.query({ ...sql.storedCommands, values: [partition, unchecked], rowMode: 'array' });
      if (rows.length > 0) {
        await client.query('ROLLBACK');
        return refuseDuplicates(turn, new Set(rows.map((row) => String((row as unknown[])[0]))));
      }
    }
    const chunks = chunkAppends(turn.appends, maxRowsPerStatement);
    for (let i = 0; i < chunks.length - 1; i++) {
      const rows = turn.rowsOf(chunks[i] as TurnAppend[]);
      await client.query({
        ...sql.insertEvents,
        values: [partition, rows.seqs, rows.canvasIds, rows.types, rows.envelopes],
      });
    }
    const rows = turn.rowsOf(chunks[chunks.length - 1] as TurnAppend[]);
    const commands = turn.commandRows();
    await client.query({
      ...sql.commitTurn,
      values: [
        partition,
        rows.seqs,
        rows.canvasIds,
        rows.types,
        rows.envelopes,
        commands.ids,
        commands.cursors,
        commands.revisions,
        turn.head,
      ],
    });
    await client.query('COMMIT');
    return null;
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => {});
    // 23505: a unique key broke. Only a writer that ignores the partition lock can cause it.
    const duplicate = (cause as { code?: unknown }).code === '23505';
    const error = new SpineError(
      duplicate ? 'duplicate_command' : 'write_failed',
      `the write turn's transaction failed: ${errorText(cause)}`,
      { partition },
      cause,
    );
    turn.rejectAll(error);
    return error;
  }
}

function refuseDuplicates(turn: PgTurn, ids: ReadonlySet<string>): SpineError {
  const partition = turn.partition;
  const list = [...ids].join(', ');
  const duplicate = new SpineError(
    'duplicate_command',
    `command ${list} is already stored (appended without a lookup in this turn)`,
    { partition, commandIds: [...ids] },
  );
  const others = new SpineError(
    'write_failed',
    `the write turn was rolled back: another append of it reused a stored command id (${list})`,
    { partition },
  );
  turn.rejectAll(others, { ids, error: duplicate });
  return duplicate;
}

/** Consecutive runs of whole appends with at most `maxRows` event rows each (a bigger append alone). */
export function chunkAppends(appends: readonly TurnAppend[], maxRows: number): TurnAppend[][] {
  const chunks: TurnAppend[][] = [[]];
  let rows = 0;
  for (const append of appends) {
    const current = chunks[chunks.length - 1] as TurnAppend[];
    if (current.length > 0 && rows + append.events.length > maxRows) {
      chunks.push([append]);
      rows = append.events.length;
    } else {
      current.push(append);
      rows += append.events.length;
    }
  }
  return chunks;
}
