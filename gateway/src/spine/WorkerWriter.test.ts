import fc from 'fast-check';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { isSpineError } from '../core/spine/SpineError.ts';
import { mustOpen, tempSpineFiles } from './sqliteTestHarness.ts';

const envelope = (tag: number | string) => JSON.stringify({ v: 1, tag });
const ev = (tag: number | string) => ({ type: 'x', canvasId: null, envelope: envelope(tag) });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SqliteSpine with the worker writer', () => {
  const { file, removeAll } = tempSpineFiles();
  afterEach(removeAll);

  it('[CONTRACT 4] writes arriving while a batch commits in the worker form the next batch, committed in order', async () => {
    const spine = mustOpen({ path: file(), writer: 'worker' });
    const first = spine.append({ partition: 't/p', events: [ev(0)] });
    await nextTurn(); // the first batch is now with the worker; its report cannot have arrived yet
    const rest = Array.from({ length: 50 }, (_, i) => spine.append({ partition: 't/p', events: [ev(i + 1)] }));
    expect(spine.stats.commits).toBe(0);
    expect(rest.map((r) => r.seqs[0])).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(await spine.read('t/p', 0)).toEqual([]);
    await first.durable;
    expect((await spine.read('t/p', 0)).map((r) => r.seq)).toEqual([1]);
    await Promise.all(rest.map((r) => r.durable));
    expect(spine.stats).toMatchObject({ commits: 2, appends: 51, largestBatch: 50, failedCommits: 0 });
    expect((await spine.read('t/p', 0)).map((r) => r.envelope)).toEqual(
      Array.from({ length: 51 }, (_, i) => envelope(i)),
    );
    await spine.close();
  });

  it('[CONTRACT 5] a batch failing in the worker rejects it and the writes queued behind it, and leaves no gap', async () => {
    const path = file();
    const spine = mustOpen({ path, writer: 'worker', busyTimeoutMs: 30 });
    await spine.append({ partition: 't/p', events: [ev(1)] }).durable;
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    const lost = spine.append({
      partition: 't/p',
      events: [ev('lost')],
      commandId: 'c',
      outcome: () => ({ cursor: 'e-2', revision: 2 }),
    });
    await nextTurn();
    const behind = spine.append({ partition: 't/p', events: [ev('behind')] });
    expect([lost.seqs, behind.seqs]).toEqual([[2], [3]]);
    expect(await spine.lookupCommand('t/p', 'c')).toEqual({ cursor: 'e-2', revision: 2 });
    for (const pending of [lost, behind]) {
      await expect(pending.durable).rejects.toSatisfy((e) => isSpineError(e, 'write_failed'));
    }
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(spine.stats.failedCommits).toBe(1);
    expect(await spine.lookupCommand('t/p', 'c')).toBeNull();
    expect(await spine.head('t/p')).toBe(1);
    const retry = spine.append({ partition: 't/p', events: [ev('retry')] });
    expect(retry.seqs).toEqual([2]);
    await retry.durable;
    expect((await spine.read('t/p', 0)).map((r) => [r.seq, r.envelope])).toEqual([
      [1, envelope(1)],
      [2, envelope('retry')],
    ]);
    await spine.close();
  });

  it('[CONTRACT 4] property: every kind of write crosses to the worker intact (events, commands, snapshots, records, compaction)', async () => {
    const spine = mustOpen({ path: file(), writer: 'worker', durability: 'normal' });
    const text = fc.string({ unit: 'grapheme', maxLength: 10 });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, fc.option(text, { nil: null })), { minLength: 1, maxLength: 8 }),
        text,
        fc.uint8Array({ maxLength: 16 }),
        fc.integer({ min: 1, max: 9 }),
        async (events, value, state, cut) => {
          const partition = `p/${round++}`;
          const appended = spine.append({
            partition,
            events: events.map(([tag, canvasId]) => ({ type: `t${tag}`, canvasId, envelope: envelope(tag) })),
            commandId: `cmd-${value}`,
            outcome: (seq) => ({ cursor: `e-${seq}-${value}`, revision: seq }),
          });
          const saved = spine.saveSnapshot(partition, { canvasId: value, seq: 1, revision: 2, state, meta: value });
          const put = spine.putRecord(`kind-${value}`, `key/${value}`, value);
          const compacted = spine.compact(partition, cut);
          await Promise.all([appended.durable, saved, put]);
          const removed = await compacted;
          expect(removed).toBe(Math.min(cut, events.length + 1) - 1);
          const rows = await spine.read(partition, 0);
          expect(rows.map((r) => [r.seq, r.type, r.canvasId, r.envelope])).toEqual(
            events
              .map(([tag, canvasId], i) => [i + 1, `t${tag}`, canvasId, envelope(tag)])
              .filter(([seq]) => (seq as number) >= cut),
          );
          expect(await spine.lookupCommand(partition, `cmd-${value}`)).toEqual({
            cursor: `e-${events.length}-${value}`,
            revision: events.length,
          });
          const snapshot = await spine.loadSnapshot(partition, value);
          expect(snapshot && { ...snapshot, state: [...snapshot.state] }).toEqual({
            canvasId: value,
            seq: 1,
            revision: 2,
            state: [...state],
            meta: value,
          });
          expect(await spine.getRecord(`kind-${value}`, `key/${value}`)).toBe(value);
        },
      ),
      { numRuns: 40 },
    );
    await spine.close();
  });

  it('[SPINE] close drains the queue and ends the writer thread', async () => {
    const path = file();
    const spine = mustOpen({ path, writer: 'worker' });
    const pending = Array.from({ length: 20 }, (_, i) => spine.append({ partition: 't/p', events: [ev(i)] }));
    await spine.close();
    await Promise.all(pending.map((p) => p.durable));
    const again = mustOpen({ path, writer: 'inline' });
    expect((await again.read('t/p', 0)).length).toBe(20);
    await again.close();
  });
});
