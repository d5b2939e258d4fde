import type Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSpineContract } from '../core/spine/spineContract.ts';
import type { SqliteSpine } from './SqliteSpine.ts';
import { makeSqliteHarness, mustOpen, tempSpineFiles } from './sqliteTestHarness.ts';
import { heldSyncs } from './heldSyncs.ts';

describeSpineContract('SQLite, worker-pipelined writer, durability full', () =>
  makeSqliteHarness({ durability: 'full', writer: 'worker-pipelined' }),
);
describeSpineContract('SQLite, worker-pipelined writer, durability full, small batches', () =>
  makeSqliteHarness({ durability: 'full', maxBatchRows: 100, writer: 'worker-pipelined' }),
);

const envelope = (tag: number | string) => JSON.stringify({ v: 1, tag });
const ev = (tag: number | string) => ({ type: 'x', canvasId: 'c', envelope: envelope(tag) });
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

function db(spine: SqliteSpine): Database.Database {
  return (spine as unknown as { db: Database.Database }).db;
}

/** Rows committed to the file by the writer thread (the spine's connection sees them before they are durable). */
function committedRows(spine: SqliteSpine): number {
  return (db(spine).prepare('SELECT count(*) FROM events').raw().get() as [number])[0];
}

/** Waits (bounded) until `check` holds; returns whether it did. */
async function until(check: () => boolean, tries = 400): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (check()) return true;
    await pause();
  }
  return check();
}

/** Resolves true when `promise` settles within `tries` short pauses, else false. */
async function settledWithin(promise: Promise<unknown>, tries: number): Promise<boolean> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  promise.then(mark, mark);
  return until(() => settled, tries);
}

describe('SqliteSpine with the worker-pipelined writer', () => {
  const { file, removeAll } = tempSpineFiles();
  afterEach(removeAll);

  it('[CONTRACT 4] read never returns rows beyond the durable seq; the next batch commits while a sync is held', async () => {
    const syncs = heldSyncs();
    const spine = mustOpen({ path: file(), writer: 'worker-pipelined', beforeWalSync: syncs.beforeWalSync });
    const first = spine.append({
      partition: 't/p',
      events: [ev(1)],
      commandId: 'k1',
      outcome: () => ({ cursor: 'e-1', revision: 1 }),
    });
    // Committed by the writer thread (visible to the connection), its sync started but held: not durable.
    expect(await until(() => committedRows(spine) === 1 && syncs.started === 1)).toBe(true);
    expect(await settledWithin(first.durable, 10)).toBe(false);
    expect(await spine.read('t/p', 0)).toEqual([]);
    expect(await spine.read('t/p', 0, { canvasId: 'c', projectWide: true })).toEqual([]);
    expect(await spine.head('t/p')).toBe(1);
    expect(await spine.lookupCommand('t/p', 'k1')).toEqual({ cursor: 'e-1', revision: 1 });

    // The next batch goes to the writer thread at once: it commits while the first sync is held,
    // and that sync does not cover it.
    const second = spine.append({ partition: 't/p', events: [ev(2), ev(3)] });
    const snapshot = spine.saveSnapshot('t/p', {
      canvasId: 'c',
      seq: 3,
      revision: 3,
      state: new Uint8Array([1]),
      meta: '{}',
    });
    expect(await until(() => spine.stats.commits === 2)).toBe(true);
    expect(committedRows(spine)).toBe(3);
    const loaded = spine.loadSnapshot('t/p', 'c');
    expect(await settledWithin(loaded, 2)).toBe(false); // a snapshot not yet durable is not read

    expect(syncs.release()).toBe(true);
    await first.durable;
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
    expect(await settledWithin(second.durable, 10)).toBe(false);
    // The second sync started only after the first completed, after the second batch's COMMIT.
    expect(await until(() => syncs.started === 2)).toBe(true);
    expect(syncs.release()).toBe(true);
    await Promise.all([second.durable, snapshot]);
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect((await loaded)?.seq).toBe(3);
    expect(spine.stats).toMatchObject({ commits: 2, appends: 2, walSyncs: 2, failedCommits: 0 });

    const closing = spine.close();
    for (let i = 0; i < 10 && syncs.release(); i++) await pause();
    await closing;
  });

  it('[CONTRACT 4] flush resolves only once the WAL sync covering the last commit has completed', async () => {
    const syncs = heldSyncs();
    const spine = mustOpen({ path: file(), writer: 'worker-pipelined', beforeWalSync: syncs.beforeWalSync });
    spine.append({ partition: 't/p', events: [ev(1)] });
    const flushed = spine.flush();
    expect(await until(() => syncs.started === 1)).toBe(true);
    expect(await settledWithin(flushed, 10)).toBe(false);
    syncs.release();
    await flushed;
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
    await spine.close();
  });

  it('[SPINE] worker-pipelined runs with synchronous = NORMAL and syncs the WAL; with durability normal it is the worker writer', async () => {
    const spine = mustOpen({ path: file(), writer: 'worker-pipelined', durability: 'full' });
    expect(db(spine).prepare('PRAGMA synchronous').raw().get()).toEqual([1]);
    await spine.append({ partition: 't/p', events: [ev(1)] }).durable;
    expect(spine.stats.walSyncs).toBeGreaterThanOrEqual(1);
    await spine.close();
    const normal = mustOpen({ path: file(), writer: 'worker-pipelined', durability: 'normal' });
    await normal.append({ partition: 't/p', events: [ev(1)] }).durable;
    expect(normal.stats).toMatchObject({ walSyncs: 0, appends: 1 });
    await normal.close();
  });
});
