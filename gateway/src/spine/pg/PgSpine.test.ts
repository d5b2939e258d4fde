import { afterEach, describe, expect, it } from 'vitest';
import { holdTurn, inTurn, describeSpineContract } from '../../core/spine/spineContract.ts';
import { isSpineError } from '../../core/spine/SpineError.ts';
import { openPgSpine } from './openPgSpine.ts';
import { makePgHarness, type PgTestSchema, pgTestSchema, refuseWrites, TEST_POSTGRES_URL } from './pgTestHarness.ts';

describeSpineContract('PostgreSQL', () => makePgHarness());
// Every turn of more than 7 rows is written in several INSERT statements.
// The property test holds a turn on 4 partitions at once: each holds a connection.
describeSpineContract('PostgreSQL, small statements, small pools', () =>
  makePgHarness({ maxRowsPerStatement: 7, poolSize: 4, queryPoolSize: 1 }),
);

const ev = (tag: string | number, canvasId: string | null = 'c') => ({
  type: 'token_patch',
  canvasId,
  envelope: JSON.stringify({ v: 1, tag }),
});

describe('PgSpine', () => {
  let db: PgTestSchema | undefined;
  afterEach(async () => {
    await db?.cleanup();
    db = undefined;
  });
  const fresh = async () => {
    db = await pgTestSchema();
    return db;
  };

  it('[CONTRACT 4] envelopes are stored as text, byte for byte; seqs as bigint', async () => {
    const { open, admin, schema } = await fresh();
    const spine = await open();
    const odd = '{ "v" : 1,\n "text": "é 😀 \\u0000 \\"q\\"" ,"n":1.50 }';
    const appended = await inTurn(spine, 't/p', () =>
      spine.append({ partition: 't/p', events: [{ type: 'x', canvasId: null, envelope: odd }] }),
    );
    await appended.durable;
    expect((await spine.read('t/p', 0))[0]?.envelope).toBe(odd);
    const columns = await admin.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'events' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows).toEqual([
      { column_name: 'partition', data_type: 'text' },
      { column_name: 'seq', data_type: 'bigint' },
      { column_name: 'canvas_id', data_type: 'text' },
      { column_name: 'type', data_type: 'text' },
      { column_name: 'envelope', data_type: 'text' },
    ]);
    const raw = await admin.query(`SELECT octet_length(envelope) AS n FROM "${schema}".events`);
    expect(raw.rows[0].n).toBe(Buffer.byteLength(odd));
  });

  it('[SPINE] ready() is true while the database answers, false once closed', async () => {
    const { open } = await fresh();
    const spine = await open();
    expect(await spine.ready()).toBe(true);
    await spine.close();
    expect(await spine.ready()).toBe(false);
  });

  it('[SPINE] stats count commits, appends, rows and the largest turn', async () => {
    const { open } = await fresh();
    const spine = await open();
    const pending = await inTurn(spine, 't/p', () => [
      spine.append({ partition: 't/p', events: [ev(1), ev(2)] }),
      spine.append({ partition: 't/p', events: [ev(3)] }),
    ]);
    await Promise.all(pending.map((p) => p.durable));
    await inTurn(spine, 't/q', () => spine.append({ partition: 't/q', events: [ev(1)] }));
    await spine
      .turn('t/q', async () => {
        spine.append({ partition: 't/q', events: [ev(2)] }).durable.catch(() => {});
        throw new Error('no');
      })
      .catch(() => {});
    await spine.flush().catch(() => {});
    expect(spine.stats).toEqual({ commits: 2, failedCommits: 1, appends: 3, rows: 4, largestBatch: 2 });
  });

  it('[CONTRACT 5] flush called during a turn whose COMMIT fails rejects with write_failed', async () => {
    const { open, admin, schema } = await fresh();
    const spine = await open();
    const restore = await refuseWrites(admin, schema);
    let flushed!: Promise<void>;
    const turned = spine.turn('t/p', async () => {
      spine.append({ partition: 't/p', events: [ev(1)] }).durable.catch(() => {});
      flushed = spine.flush();
    });
    await expect(turned).rejects.toSatisfy((e) => isSpineError(e, 'write_failed'));
    await expect(flushed).rejects.toSatisfy((e) => isSpineError(e, 'write_failed'));
    await restore();
    await spine.flush();
  });

  it('[CONTRACT 5] a command appended without a lookup in its turn and already stored fails that turn as a duplicate', async () => {
    const { open } = await fresh();
    const writer = await open();
    const outcome = (revision: number) => (seq: number) => ({ cursor: `e-${seq}`, revision });
    const stored = await inTurn(writer, 't/p', () =>
      writer.append({ partition: 't/p', events: [ev(1)], commandId: 'cmd', outcome: outcome(1) }),
    );
    await stored.durable;
    // A second spine on the same schema has never seen the id: it learns at commit.
    const other = await open();
    let dup!: ReturnType<typeof other.append>;
    let plain!: ReturnType<typeof other.append>;
    const turned = other.turn('t/p', async () => {
      plain = other.append({ partition: 't/p', events: [ev(2)] });
      dup = other.append({ partition: 't/p', events: [ev(3)], commandId: 'cmd', outcome: outcome(2) });
      expect([plain.seqs, dup.seqs]).toEqual([[2], [3]]);
    });
    await expect(turned).rejects.toSatisfy((e) => isSpineError(e, 'duplicate_command'));
    await expect(dup.durable).rejects.toSatisfy((e) => isSpineError(e, 'duplicate_command'));
    await expect(plain.durable).rejects.toSatisfy((e) => isSpineError(e, 'write_failed'));
    expect(await other.head('t/p')).toBe(1);
    expect(await other.lookupCommand('t/p', 'cmd')).toEqual({ cursor: 'e-1', revision: 1 });
    expect((await other.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
  });

  it('[SPINE] compaction inside a turn of the same partition does not wait for the turn', async () => {
    const { open } = await fresh();
    const spine = await open();
    const pending = await inTurn(spine, 't/p', () =>
      [1, 2, 3, 4].map((i) => spine.append({ partition: 't/p', events: [ev(i)] })),
    );
    await Promise.all(pending.map((p) => p.durable));
    const held = await holdTurn(spine, 't/p');
    const fifth = spine.append({ partition: 't/p', events: [ev(5)] });
    // Never past the durable head: the turn's pending seq 5 is not touched, the floor stops at 5.
    expect(await spine.compact('t/p', 100)).toBe(4);
    expect(await spine.floor('t/p')).toBe(5);
    await held.close();
    expect((await fifth.durable).seqs).toEqual([5]);
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([5]);
  });

  it('[CONTRACT 4] a corrupt stored row yields a corrupt_row error naming the row, not a crash', async () => {
    const { open, admin, schema } = await fresh();
    const spine = await open();
    const appended = await inTurn(spine, 't/p', () => [
      spine.append({ partition: 't/p', events: [ev(1)] }),
      spine.append({ partition: 't/p', events: [], commandId: 'k', outcome: () => ({ cursor: 'e-1', revision: 1 }) }),
    ]);
    await Promise.all(appended.map((a) => a.durable));
    await admin.query(`INSERT INTO "${schema}".events VALUES ('t/p', 2, 'c', 'x', 'not json')`);
    await admin.query(`UPDATE "${schema}".commands SET revision = -4`);
    await admin.query(`INSERT INTO "${schema}".snapshots VALUES ('t/p', 'c', -1, 0, '\\x00', '{}')`);
    const error = await spine.read('t/p', 0).catch((e: unknown) => e);
    expect(isSpineError(error, 'corrupt_row')).toBe(true);
    expect(error).toMatchObject({ details: { partition: 't/p', seq: 2 } });
    expect((await spine.read('t/p', 0, { limit: 1 })).map((r) => r.seq)).toEqual([1]);
    // A fresh node has not cached the outcome: it reads the bad row.
    const other = await open();
    await expect(other.lookupCommand('t/p', 'k')).rejects.toSatisfy((e) => isSpineError(e, 'corrupt_row'));
    await expect(spine.loadSnapshot('t/p', 'c')).rejects.toSatisfy((e) => isSpineError(e, 'corrupt_row'));
  });

  it('[SPINE] open failures are open_failed values: unreachable server, bad schema name, newer schema', async () => {
    const unreachable = await openPgSpine({
      url: 'postgres://postgres@127.0.0.1:1/test',
      schema: 'easel_nowhere',
      connectTimeoutMs: 2000,
    });
    expect(unreachable.ok).toBe(false);
    if (!unreachable.ok) {
      expect(unreachable.error.code).toBe('open_failed');
      expect(unreachable.error.message).toContain('127.0.0.1:1');
    }
    const badName = await openPgSpine({ url: TEST_POSTGRES_URL, schema: 'Robert"; DROP' });
    expect(badName.ok || badName.error.code).toBe('open_failed');

    const { open, admin, schema } = await fresh();
    const spine = await open();
    await spine.close();
    await admin.query(`INSERT INTO "${schema}".migrations (version, id) VALUES (2, '0002-from-the-future')`);
    const newer = await openPgSpine({ url: TEST_POSTGRES_URL, schema });
    expect(newer.ok).toBe(false);
    if (!newer.ok) expect(newer.error.message).toContain('newer than this build');
  });
});
