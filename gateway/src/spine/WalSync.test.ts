import type Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteSpine } from './SqliteSpine.ts';
import { mustOpen, tempSpineFiles } from './sqliteTestHarness.ts';
import { heldSyncs } from './heldSyncs.ts';

const envelope = (tag: number | string) => JSON.stringify({ v: 1, tag });
const ev = (tag: number | string) => ({ type: 'x', canvasId: 'c', envelope: envelope(tag) });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows committed to the file (the spine's own connection sees them before they are durable). */
function committedRows(spine: SqliteSpine): number {
  const db = (spine as unknown as { db: Database.Database }).db;
  return (db.prepare('SELECT count(*) FROM events').raw().get() as [number])[0];
}

/** Resolves when `promise` settles or after `turns` event-loop turns, reporting which. */
async function settledWithin(promise: Promise<unknown>, turns: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < turns && !settled; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return settled;
}

describe('SqliteSpine with the pipelined writer', () => {
  const { file, removeAll } = tempSpineFiles();
  afterEach(removeAll);

  for (const pipelineCommits of ['eager', 'coalesced'] as const) {
    it(`[CONTRACT 4] read never returns rows beyond the durable seq while their WAL sync is held back (${pipelineCommits})`, async () => {
      const eager = pipelineCommits === 'eager';
      const syncs = heldSyncs();
      const spine = mustOpen({
        path: file(),
        writer: 'pipelined',
        pipelineCommits,
        beforeWalSync: syncs.beforeWalSync,
      });
      const first = spine.append({
        partition: 't/p',
        events: [ev(1)],
        commandId: 'k1',
        outcome: () => ({ cursor: 'e-1', revision: 1 }),
      });
      await nextTurn();
      // Committed (visible to the connection) and its sync started, but held: not durable.
      expect(committedRows(spine)).toBe(1);
      expect(syncs.started).toBe(1);
      expect(await settledWithin(first.durable, 10)).toBe(false);
      expect(await spine.read('t/p', 0)).toEqual([]);
      expect(await spine.read('t/p', 0, { canvasId: 'c', projectWide: true })).toEqual([]);
      expect(await spine.head('t/p')).toBe(1); // head counts pending appends (EventSpine.head)
      expect(await spine.lookupCommand('t/p', 'k1')).toEqual({ cursor: 'e-1', revision: 1 });

      // Eager: the next batch commits while the first sync runs; that sync does not cover it.
      // Coalesced: it waits for that sync to complete, then commits before the next sync starts.
      const second = [spine.append({ partition: 't/p', events: [ev(2), ev(3)] })];
      const snapshot = spine.saveSnapshot('t/p', {
        canvasId: 'c',
        seq: 3,
        revision: 3,
        state: new Uint8Array([1]),
        meta: '{}',
      });
      await nextTurn();
      expect(committedRows(spine)).toBe(eager ? 3 : 1);
      expect(spine.stats.commits).toBe(eager ? 2 : 1);

      expect(syncs.release()).toBe(true);
      await first.durable;
      for (let i = 0; i < 10 && committedRows(spine) < 3; i++) await nextTurn();
      expect(committedRows(spine)).toBe(3); // committed and visible to the connection, not durable
      const loaded = spine.loadSnapshot('t/p', 'c');
      expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
      expect(await settledWithin(second[0]?.durable as Promise<unknown>, 10)).toBe(false);
      expect(await settledWithin(loaded, 2)).toBe(false); // a snapshot not yet durable is not read
      // The second sync started only after the first completed, after the second batch's COMMIT.
      expect(syncs.started).toBe(2);
      expect((await spine.read('t/p', 0, { canvasId: 'c' })).map((r) => r.seq)).toEqual([1]);

      expect(syncs.release()).toBe(true);
      await Promise.all([second[0]?.durable, snapshot]);
      expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1, 2, 3]);
      expect((await loaded)?.seq).toBe(3);
      expect(spine.stats).toMatchObject({ commits: 2, appends: 2, walSyncs: 2, failedCommits: 0 });

      const closing = spine.close();
      for (let i = 0; i < 10 && syncs.release(); i++) await nextTurn();
      await closing;
    });
  }

  it('[CONTRACT 4] flush resolves only once the WAL sync covering the last commit has completed', async () => {
    const syncs = heldSyncs();
    const spine = mustOpen({ path: file(), writer: 'pipelined', beforeWalSync: syncs.beforeWalSync });
    spine.append({ partition: 't/p', events: [ev(1)] });
    const flushed = spine.flush();
    expect(await settledWithin(flushed, 10)).toBe(false);
    syncs.release();
    await flushed;
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
    await spine.close();
  });

  it('[CONTRACT 4] rows stored before open are readable at once; appends after reopen continue the seqs', async () => {
    const path = file();
    const spine = mustOpen({ path, writer: 'pipelined' });
    await Promise.all([1, 2, 3].map((i) => spine.append({ partition: 't/p', events: [ev(i)] }).durable));
    await spine.close();
    const syncs = heldSyncs();
    const again = mustOpen({ path, writer: 'pipelined', beforeWalSync: syncs.beforeWalSync });
    const next = again.append({ partition: 't/p', events: [ev(4)] });
    expect(next.seqs).toEqual([4]);
    await nextTurn();
    expect((await again.read('t/p', 0)).map((r) => r.seq)).toEqual([1, 2, 3]);
    syncs.release();
    await next.durable;
    expect((await again.read('t/p', 0)).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    await again.close();
  });

  it('[SPINE] pipelined commits run with synchronous = NORMAL; the WAL sync gives the FULL guarantee', async () => {
    const spine = mustOpen({ path: file(), writer: 'pipelined', durability: 'full' });
    const db = (spine as unknown as { db: Database.Database }).db;
    expect(db.prepare('PRAGMA synchronous').raw().get()).toEqual([1]);
    await spine.append({ partition: 't/p', events: [ev(1)] }).durable;
    expect(spine.stats.walSyncs).toBeGreaterThanOrEqual(1);
    await spine.close();
  });
});
