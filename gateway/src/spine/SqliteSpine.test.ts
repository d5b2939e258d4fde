import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSpineContract } from '../core/spine/spineContract.ts';
import { isSpineError } from '../core/spine/SpineError.ts';
import { openSqliteSpine } from './openSqliteSpine.ts';
import { makeSqliteHarness, mustOpen, tempSpineFiles } from './sqliteTestHarness.ts';

describeSpineContract('SQLite, durability full', () => makeSqliteHarness({ durability: 'full' }));
describeSpineContract('SQLite, durability normal, small batches', () =>
  makeSqliteHarness({ durability: 'normal', maxBatchRows: 100 }),
);
describeSpineContract('SQLite, inline writer, durability full', () =>
  makeSqliteHarness({ durability: 'full', writer: 'inline' }),
);
describeSpineContract('SQLite, inline writer, durability normal, small batches', () =>
  makeSqliteHarness({ durability: 'normal', maxBatchRows: 100, writer: 'inline' }),
);
describeSpineContract('SQLite, pipelined writer, durability full', () =>
  makeSqliteHarness({ durability: 'full', writer: 'pipelined' }),
);
describeSpineContract('SQLite, pipelined writer, durability full, small batches', () =>
  makeSqliteHarness({ durability: 'full', maxBatchRows: 100, writer: 'pipelined' }),
);
describeSpineContract('SQLite, pipelined writer, eager commits, durability full', () =>
  makeSqliteHarness({ durability: 'full', writer: 'pipelined', pipelineCommits: 'eager' }),
);

const envelope = (tag: number) => JSON.stringify({ v: 1, tag });

describe('SqliteSpine', () => {
  const { file, removeAll } = tempSpineFiles();
  afterEach(removeAll);

  it('[CONTRACT 4] the epoch is 12 characters of [a-z0-9], kept in the file', async () => {
    const path = file();
    const spine = mustOpen({ path });
    expect(spine.epoch).toMatch(/^[a-z0-9]{12}$/);
    await spine.close();
    const raw = new Database(path);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'epoch'").raw().get()).toEqual([spine.epoch]);
    raw.close();
  });

  it('[CONTRACT 4] read never returns rows still queued', async () => {
    const spine = mustOpen({ path: file() });
    const a = spine.append({ partition: 't/p', events: [{ type: 'x', canvasId: null, envelope: envelope(1) }] });
    expect(await spine.read('t/p', 0)).toEqual([]);
    expect(await spine.head('t/p')).toBe(1);
    await a.durable;
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
    await spine.close();
  });

  it('[CONTRACT 4] a queue reaching maxBatchRows commits inside append (inline writer)', async () => {
    const spine = mustOpen({ path: file(), maxBatchRows: 10, writer: 'inline' });
    const pending = Array.from({ length: 25 }, (_, i) =>
      spine.append({ partition: 't/p', events: [{ type: 'x', canvasId: null, envelope: envelope(i) }] }),
    );
    expect(spine.stats.commits).toBe(2);
    expect((await spine.read('t/p', 0)).length).toBe(20);
    await Promise.all(pending.map((p) => p.durable));
    expect(spine.stats).toMatchObject({ commits: 3, appends: 25, rows: 25, failedCommits: 0 });
    await spine.close();
  });

  it('[CONTRACT 5] a connection made read-only under the spine rejects the batch and leaves no gap (inline writer)', async () => {
    const path = file();
    const spine = mustOpen({ path, writer: 'inline' });
    const ev = (tag: number) => ({
      partition: 't/p',
      events: [{ type: 'x', canvasId: null, envelope: envelope(tag) }],
    });
    await spine.append(ev(1)).durable;
    // The spine's own connection refuses writes from now on (SQLITE_READONLY); the field is private on purpose.
    const db = (spine as unknown as { db: Database.Database }).db;
    db.exec('PRAGMA query_only = ON');
    const lost = [spine.append(ev(2)), spine.append(ev(3))];
    expect(lost.map((l) => l.seqs)).toEqual([[2], [3]]);
    for (const l of lost) await expect(l.durable).rejects.toSatisfy((e) => isSpineError(e, 'write_failed'));
    expect(spine.stats.failedCommits).toBe(1);
    expect(await spine.head('t/p')).toBe(1);
    db.exec('PRAGMA query_only = OFF');
    const next = spine.append(ev(4));
    expect(next.seqs).toEqual([2]);
    await next.durable;
    await spine.close();
    const again = mustOpen({ path });
    expect((await again.read('t/p', 0)).map((r) => [r.seq, r.envelope])).toEqual([
      [1, envelope(1)],
      [2, envelope(4)],
    ]);
    await again.close();
  });

  it('[CONTRACT 4] a corrupt stored row yields a corrupt_row error naming the row, not a crash', async () => {
    const path = file();
    const spine = mustOpen({ path });
    await spine.append({ partition: 't/p', events: [{ type: 'x', canvasId: 'c', envelope: envelope(1) }] }).durable;
    await spine.append({
      partition: 't/p',
      events: [],
      commandId: 'k',
      outcome: () => ({ cursor: 'e-1', revision: 1 }),
    }).durable;
    const raw = new Database(path);
    raw.exec(`INSERT INTO events VALUES ('t/p', 2, 'c', 'x', 'not json')`);
    raw.exec(`UPDATE commands SET revision = -4`);
    raw.exec(`INSERT INTO snapshots VALUES ('t/p', 'c', -1, 0, x'00', '{}')`);
    raw.close();
    const error = await spine.read('t/p', 0).catch((e: unknown) => e);
    expect(isSpineError(error, 'corrupt_row')).toBe(true);
    expect((error as Error).message).toContain('envelope');
    expect(error).toMatchObject({ details: { partition: 't/p', seq: 2 } });
    expect((await spine.read('t/p', 0, { limit: 1 })).map((r) => r.seq)).toEqual([1]);
    await expect(spine.lookupCommand('t/p', 'k')).rejects.toSatisfy((e) => isSpineError(e, 'corrupt_row'));
    await expect(spine.loadSnapshot('t/p', 'c')).rejects.toSatisfy((e) => isSpineError(e, 'corrupt_row'));
    await spine.close();
  });

  it('[SPINE] durability sets synchronous: full = FULL (2), normal = NORMAL (1), in WAL mode', async () => {
    for (const [durability, level] of [
      ['full', 2],
      ['normal', 1],
    ] as const) {
      const path = file();
      const spine = mustOpen({ path, durability });
      const db = (spine as unknown as { db: Database.Database }).db;
      expect(db.prepare('PRAGMA synchronous').raw().get()).toEqual([level]);
      expect(db.prepare('PRAGMA journal_mode').raw().get()).toEqual(['wal']);
      await spine.close();
    }
  });

  it('[SPINE] the background checkpointer copies the WAL into the file off the event loop', async () => {
    const fileSize = (path: string) => statSync(path).size;
    const envelopeOf = (i: number) => JSON.stringify({ v: 1, pad: 'x'.repeat(300), i });
    const sizes: Record<string, number> = {};
    for (const checkpoint of ['inline', 'background'] as const) {
      const path = file();
      // walAutocheckpointPages 0: the spine's own connection never checkpoints; only the worker can.
      const spine = mustOpen({
        path,
        durability: 'normal',
        checkpoint,
        checkpointIntervalMs: 5,
        walAutocheckpointPages: 0,
      });
      const before = fileSize(path);
      const pending = Array.from(
        { length: 3000 },
        (_, i) =>
          spine.append({ partition: 't/p', events: [{ type: 'x', canvasId: 'c', envelope: envelopeOf(i) }] }).durable,
      );
      await Promise.all(pending);
      for (let i = 0; i < 300 && checkpoint === 'background' && fileSize(path) < before + 500_000; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      sizes[checkpoint] = fileSize(path) - before;
      expect(spine.stats.checkpointFailures).toBe(0);
      await spine.close();
    }
    expect(sizes.inline).toBeLessThan(100_000);
    expect(sizes.background).toBeGreaterThan(500_000);
  });

  it('[SPINE] an unopenable path is an open_failed value', () => {
    const opened = openSqliteSpine({ path: join(file(), 'missing-dir', 'x.db') });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error.code).toBe('open_failed');
  });

  it('[SPINE] :memory: works for tests (not durable)', async () => {
    const spine = mustOpen({ path: ':memory:' });
    expect((await spine.append({ partition: 'a/b', events: [] }).durable).seqs).toEqual([]);
    expect(spine.append({ partition: 'a/b', events: [{ type: 'x', canvasId: null, envelope: '{}' }] }).seqs).toEqual([
      1,
    ]);
    await spine.flush();
    expect((await spine.read('a/b', 0)).length).toBe(1);
    await spine.close();
  });
});
