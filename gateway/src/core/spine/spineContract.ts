import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendResult, EventSpine, EventToAppend, PartitionId, StoredOutcome } from './EventSpine.ts';
import { isSpineError } from './SpineError.ts';

/**
 * What an implementation's test gives the contract suite. Everything but `spine` and `cleanup`
 * is optional; the tests that need a missing part are skipped (and say so).
 *
 * The suite appends only inside write turns (`spine.turn`), which every spine has: on a shared
 * spine (PostgreSQL) that is the only place appends are accepted; on a single-writer spine
 * (SQLite, memory) a turn is a queue per partition. Where the two kinds differ by the interface
 * (a rejecting turn rolls back only on shared spines), the test asserts by `spine.writers`.
 */
export interface SpineHarness {
  readonly spine: EventSpine;
  /** Opens the same store again (after the test closed `spine`): proves what survives a restart. */
  readonly reopen?: () => Promise<EventSpine>;
  /** Closes every spine it opened and deletes the store. */
  readonly cleanup: () => Promise<void>;
  /**
   * Makes the real store refuse writes (e.g. another connection holding the write lock) until
   * the returned function is called. No mocks: the failure comes from the engine.
   */
  readonly breakWrites?: () => Promise<() => Promise<void>>;
  /** Write transactions `spine` committed so far (proves group commit). */
  readonly commits?: () => number;
}

const P = 'acme/site';
const Q = 'acme/other';

/** A small JSON envelope whose content identifies it. */
export function envelope(tag: string | number): string {
  return JSON.stringify({ v: 1, type: 'token_patch', payload: { tag } });
}

function event(tag: string | number, canvasId: string | null = 'c1'): EventToAppend {
  return { type: 'token_patch', canvasId, envelope: envelope(tag) };
}

function outcomeAt(revision: number) {
  return (lastSeq: number): StoredOutcome => ({ cursor: `e-${lastSeq}`, revision });
}

type Appended = ReturnType<EventSpine['append']>;

/** Runs `build` inside a write turn of `partition`; resolves with its value once the turn has committed. */
export function inTurn<T>(
  spine: EventSpine,
  partition: PartitionId,
  build: (head: number) => T | Promise<T>,
): Promise<T> {
  return spine.turn(partition, async (head) => build(head));
}

/** A write turn held open: appends to its partition join it until `close` lets it commit. */
export interface HeldTurn {
  /** The head the turn started at. */
  readonly head: number;
  /** Lets the turn's work finish; resolves once the turn has committed, rejects if it failed. */
  close(): Promise<void>;
}

/** Opens a write turn on `partition` and holds it open until `close`. */
export async function holdTurn(spine: EventSpine, partition: PartitionId): Promise<HeldTurn> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: (head: number) => void;
  const opened = new Promise<number>((resolve) => {
    started = resolve;
  });
  const done = spine.turn(partition, async (head) => {
    started(head);
    await released;
  });
  const head = await Promise.race([opened, done.then(() => Number.NaN)]);
  return {
    head,
    close: () => {
      release();
      return done;
    },
  };
}

/** Appends one event per tag in one turn; resolves with the appends' durable results. */
async function appendAll(spine: EventSpine, partition: PartitionId, tags: readonly (string | number)[]) {
  const pending = await inTurn(spine, partition, () =>
    tags.map((tag) => spine.append({ partition, events: [event(tag)] })),
  );
  return Promise.all(pending.map((p) => p.durable));
}

async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The behaviour every `EventSpine` must have; run it from each implementation's test file. */
export function describeSpineContract(name: string, makeSpine: () => Promise<SpineHarness>): void {
  describe(`EventSpine contract: ${name}`, () => {
    let h: SpineHarness;
    let spine: EventSpine;
    beforeEach(async () => {
      h = await makeSpine();
      spine = h.spine;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('[CONTRACT 4] seqs are gap-free from 1 in call order, assigned synchronously', async () => {
      const [a, b] = await inTurn(spine, P, async (head) => {
        expect(head).toBe(0);
        const a = spine.append({ partition: P, events: [event(1), event(2)] });
        const b = spine.append({ partition: P, events: [event(3)] });
        expect(a.seqs).toEqual([1, 2]);
        expect(b.seqs).toEqual([3]);
        expect(await spine.head(P)).toBe(3);
        return [a, b] as const;
      });
      const [ra, rb] = await Promise.all([a.durable, b.durable]);
      expect(ra.seqs).toEqual([1, 2]);
      expect(rb).toEqual({ seqs: [3], outcome: null });
      const rows = await spine.read(P, 0);
      expect(rows.map((r) => [r.seq, r.envelope, r.partition])).toEqual([
        [1, envelope(1), P],
        [2, envelope(2), P],
        [3, envelope(3), P],
      ]);
    });

    it('[CONTRACT 4] partitions are sequenced independently', async () => {
      const turns = await Promise.all([holdTurn(spine, P), holdTurn(spine, Q)]);
      const a = spine.append({ partition: P, events: [event('p1')] });
      const b = spine.append({ partition: Q, events: [event('q1')] });
      const c = spine.append({ partition: P, events: [event('p2')] });
      expect([a.seqs, b.seqs, c.seqs]).toEqual([[1], [1], [2]]);
      await Promise.all(turns.map((t) => t.close()));
      await spine.flush();
      expect((await spine.read(P, 0)).map((r) => r.envelope)).toEqual([envelope('p1'), envelope('p2')]);
      expect((await spine.read(Q, 0)).map((r) => r.envelope)).toEqual([envelope('q1')]);
      expect(await spine.head('acme/none')).toBe(0);
    });

    it('[CONTRACT 4] hundreds of appends in one tick all resolve, in one or few transactions', async () => {
      const before = h.commits?.() ?? 0;
      const pending = await inTurn(spine, P, () => {
        const pending = Array.from({ length: 300 }, (_, i) => spine.append({ partition: P, events: [event(i)] }));
        expect(pending.map((p) => p.seqs[0])).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
        return pending;
      });
      const results = await Promise.all(pending.map((p) => p.durable));
      expect(results.map((r) => r.seqs[0])).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      if (h.commits) expect(h.commits() - before).toBeLessThanOrEqual(3);
      expect((await spine.read(P, 0)).length).toBe(300);
    });

    it('[CONTRACT 4] flush resolves once everything appended so far is durable', async () => {
      // Two turns; the one whose work runs second calls flush (without awaiting it) after its append.
      let ran = 0;
      let flushed!: Promise<void>;
      let turns: Array<Promise<void>> = [];
      const flushCalled = new Promise<void>((resolve) => {
        const work = (partition: PartitionId, tag: number) => async () => {
          spine.append({ partition, events: [event(tag)] });
          if (++ran === 2) {
            flushed = spine.flush();
            resolve();
          }
        };
        turns = [spine.turn(P, work(P, 1)), spine.turn(Q, work(Q, 2))];
      });
      await flushCalled;
      await flushed;
      expect((await spine.read(P, 0)).length).toBe(1);
      expect((await spine.read(Q, 0)).length).toBe(1);
      await Promise.all(turns);
    });

    it('[CONTRACT 4] an acknowledged append is readable after reopen, and close flushes what is queued', async (ctx) => {
      if (!h.reopen) return ctx.skip();
      await appendAll(spine, P, [1, 2, 3]);
      // close is called while a turn holding an append is still open: it must not lose the append.
      let closing!: Promise<void>;
      const queued = await inTurn(spine, P, () => {
        const queued = spine.append({ partition: P, events: [event(4)] });
        closing = spine.close();
        return queued;
      });
      await closing;
      expect((await queued.durable).seqs).toEqual([4]);
      const again = await h.reopen();
      expect((await again.read(P, 0)).map((r) => r.envelope)).toEqual([1, 2, 3, 4].map(envelope));
      expect(await again.head(P)).toBe(4);
      const next = await inTurn(again, P, (head) => {
        expect(head).toBe(4);
        return again.append({ partition: P, events: [event(5)] });
      });
      expect(next.seqs).toEqual([5]);
      await next.durable;
    });

    it('[CONTRACT 5] the outcome is stored with the events: lookup sees it pending, after flush and after reopen', async () => {
      const build = outcomeAt(7);
      const a = await inTurn(spine, P, async () => {
        const a = spine.append({ partition: P, events: [event(1), event(2)], commandId: 'cmd-1', outcome: build });
        expect(await spine.lookupCommand(P, 'cmd-1')).toEqual({ cursor: 'e-2', revision: 7 });
        expect(await spine.lookupCommand(Q, 'cmd-1')).toBeNull();
        return a;
      });
      const result: AppendResult = await a.durable;
      expect(result.outcome).toEqual({ cursor: 'e-2', revision: 7 });
      expect(await spine.lookupCommand(P, 'cmd-1')).toEqual({ cursor: 'e-2', revision: 7 });
      expect(await spine.lookupCommand(P, 'cmd-unknown')).toBeNull();
      if (h.reopen) {
        await spine.close();
        const again = await h.reopen();
        expect(await again.lookupCommand(P, 'cmd-1')).toEqual({ cursor: 'e-2', revision: 7 });
      }
    });

    it('[CONTRACT 5] an append under a pending or stored command_id is refused with duplicate_command and takes no seq', async () => {
      expect(await spine.lookupCommand(P, 'dup')).toBeNull();
      const first = await inTurn(spine, P, async () => {
        // The gateway's order: look the command up inside the turn, then append it.
        expect(await spine.lookupCommand(P, 'dup')).toBeNull();
        const first = spine.append({ partition: P, events: [event(1)], commandId: 'dup', outcome: outcomeAt(1) });
        const whilePending = spine.append({
          partition: P,
          events: [event(2)],
          commandId: 'dup',
          outcome: outcomeAt(2),
        });
        expect(whilePending.seqs).toEqual([]);
        expect(isSpineError(await reasonOf(whilePending.durable), 'duplicate_command')).toBe(true);
        return first;
      });
      await first.durable;
      const afterFlush = await inTurn(spine, P, () => {
        const again = spine.append({ partition: P, events: [event(3)], commandId: 'dup', outcome: outcomeAt(3) });
        return { seqs: again.seqs, reason: reasonOf(again.durable) };
      });
      expect(afterFlush.seqs).toEqual([]);
      expect(isSpineError(await afterFlush.reason, 'duplicate_command')).toBe(true);
      // The same id in another partition is another command.
      const other = await inTurn(spine, Q, () =>
        spine.append({ partition: Q, events: [event(4)], commandId: 'dup', outcome: outcomeAt(1) }),
      );
      expect(other.seqs).toEqual([1]);
      const next = await inTurn(spine, P, () => spine.append({ partition: P, events: [event(5)] }));
      expect(next.seqs).toEqual([2]);
      await Promise.all([other.durable, next.durable]);
      expect(await spine.lookupCommand(P, 'dup')).toEqual({ cursor: 'e-1', revision: 1 });
      expect((await spine.read(P, 0)).map((r) => r.envelope)).toEqual([envelope(1), envelope(5)]);
    });

    it('[CONTRACT 5] an append without events stores its outcome at the current head', async () => {
      await appendAll(spine, P, [1, 2]);
      const a = await inTurn(spine, P, () =>
        spine.append({ partition: P, events: [], commandId: 'label', outcome: outcomeAt(2) }),
      );
      expect(a.seqs).toEqual([]);
      expect((await a.durable).outcome).toEqual({ cursor: 'e-2', revision: 2 });
      expect(await spine.lookupCommand(P, 'label')).toEqual({ cursor: 'e-2', revision: 2 });
      expect(await spine.head(P)).toBe(2);
    });

    it('[CONTRACT 4] read honours afterSeq, limit (default 1000) and the canvas filter', async () => {
      const pending = await inTurn(spine, P, () => {
        const pending: Array<Promise<AppendResult>> = [];
        for (let i = 1; i <= 1005; i++) {
          const canvasId = i % 3 === 0 ? 'c3' : i % 5 === 0 ? null : 'c1';
          pending.push(spine.append({ partition: P, events: [event(i, canvasId)] }).durable);
        }
        return pending;
      });
      await Promise.all(pending);
      const all = await spine.read(P, 0);
      expect(all.length).toBe(1000);
      expect(all[999]?.seq).toBe(1000);
      expect((await spine.read(P, 1000)).map((r) => r.seq)).toEqual([1001, 1002, 1003, 1004, 1005]);
      expect((await spine.read(P, 10, { limit: 3 })).map((r) => r.seq)).toEqual([11, 12, 13]);
      expect(await spine.read(P, 1005)).toEqual([]);
      const c3 = await spine.read(P, 0, { canvasId: 'c3', limit: 4 });
      expect(c3.map((r) => [r.seq, r.canvasId])).toEqual([
        [3, 'c3'],
        [6, 'c3'],
        [9, 'c3'],
        [12, 'c3'],
      ]);
      expect((await spine.read(P, 3, { canvasId: 'c3', limit: 1 })).map((r) => r.seq)).toEqual([6]);
      expect((await spine.read(P, 0, { limit: 5 })).map((r) => r.canvasId)).toEqual(['c1', 'c1', 'c3', 'c1', null]);
      expect(await spine.read(P, 0, { canvasId: 'nope' })).toEqual([]);
    });

    it('[CONTRACT 4] read with projectWide: the canvas and the no-canvas events, in seq order, limit counting both', async () => {
      const pending = await inTurn(spine, P, () => {
        const pending: Array<Promise<AppendResult>> = [];
        for (let i = 1; i <= 40; i++) {
          const canvasId = i % 3 === 0 ? 'c3' : i % 5 === 0 ? null : 'c1';
          pending.push(spine.append({ partition: P, events: [event(i, canvasId)] }).durable);
        }
        return pending;
      });
      await Promise.all(pending);
      pending.length = 0;
      const expected = (after: number, limit: number) =>
        Array.from({ length: 40 }, (_, k) => k + 1)
          .filter((i) => i > after && (i % 3 === 0 || i % 5 === 0))
          .slice(0, limit);
      const c3 = await spine.read(P, 0, { canvasId: 'c3', projectWide: true, limit: 100 });
      expect(c3.map((r) => r.seq)).toEqual(expected(0, 100));
      expect(c3.filter((r) => r.canvasId === null).map((r) => r.seq)).toEqual([5, 10, 20, 25, 35, 40]);
      expect(c3.every((r) => r.canvasId === null || r.canvasId === 'c3')).toBe(true);
      // Pages: each resumes after the last seq of the one before and cuts at the limit.
      for (const [after, limit] of [
        [0, 3],
        [6, 2],
        [9, 4],
        [24, 1],
        [39, 5],
        [40, 5],
      ] as const) {
        const page = await spine.read(P, after, { canvasId: 'c3', projectWide: true, limit });
        expect(page.map((r) => r.seq)).toEqual(expected(after, limit));
      }
      // A canvas with no events of its own still gets the project-wide ones; without the flag, none.
      expect((await spine.read(P, 0, { canvasId: 'nope', projectWide: true })).map((r) => r.seq)).toEqual([
        5, 10, 20, 25, 35, 40,
      ]);
      expect(await spine.read(P, 0, { canvasId: 'nope' })).toEqual([]);
    });

    it('[CONTRACT 4] snapshots: the highest seq wins, a tie goes to the later save', async () => {
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      expect(await spine.loadSnapshot(P, 'c1')).toBeNull();
      await spine.saveSnapshot(P, { canvasId: 'c1', seq: 5, revision: 2, state: bytes, meta: '{"a":1}' });
      const first = await spine.loadSnapshot(P, 'c1');
      expect(first).toEqual({ canvasId: 'c1', seq: 5, revision: 2, state: bytes, meta: '{"a":1}' });
      expect(Array.from(first?.state ?? [])).toEqual(Array.from(bytes));
      await spine.saveSnapshot(P, { canvasId: 'c1', seq: 10, revision: 4, state: Uint8Array.of(1), meta: '{}' });
      await spine.saveSnapshot(P, { canvasId: 'c1', seq: 7, revision: 3, state: Uint8Array.of(2), meta: '{}' });
      expect((await spine.loadSnapshot(P, 'c1'))?.seq).toBe(10);
      await spine.saveSnapshot(P, { canvasId: 'c1', seq: 10, revision: 4, state: Uint8Array.of(3), meta: '{"b":2}' });
      const latest = await spine.loadSnapshot(P, 'c1');
      expect([latest?.seq, Array.from(latest?.state ?? []), latest?.meta]).toEqual([10, [3], '{"b":2}']);
      expect(await spine.loadSnapshot(P, 'c2')).toBeNull();
      expect(await spine.loadSnapshot(Q, 'c1')).toBeNull();
    });

    it('[CONTRACT 4] compaction deletes below beforeSeq, raises the floor, and seqs are never reused', async () => {
      await appendAll(spine, P, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await appendAll(spine, Q, [1]);
      expect(await spine.floor(P)).toBe(1);
      expect(await spine.compact(P, 5)).toBe(4);
      expect(await spine.floor(P)).toBe(5);
      expect((await spine.read(P, 0)).map((r) => r.seq)).toEqual([5, 6, 7, 8, 9, 10]);
      expect(await spine.compact(P, 3)).toBe(0);
      expect(await spine.floor(P)).toBe(5);
      expect(await spine.compact(P, 1000)).toBe(6);
      expect(await spine.floor(P)).toBe(11);
      expect(await spine.read(P, 0)).toEqual([]);
      expect(await spine.head(P)).toBe(10);
      expect(await spine.floor(Q)).toBe(1);
      let live = spine;
      if (h.reopen) {
        await spine.close();
        live = await h.reopen();
        expect([await live.head(P), await live.floor(P)]).toEqual([10, 11]);
      }
      const next = await inTurn(live, P, (head) => {
        expect(head).toBe(10);
        return live.append({ partition: P, events: [event(11)] });
      });
      expect(next.seqs).toEqual([11]);
      await next.durable;
      expect((await live.read(P, 0)).map((r) => r.seq)).toEqual([11]);
      expect(await live.floor(P)).toBe(11);
    });

    it('[SPINE] records: get, put (last write wins) and list by literal prefix in key order', async () => {
      expect(await spine.getRecord('canvas', 'a')).toBeNull();
      await spine.putRecord('canvas', 'acme/b', '2');
      await spine.putRecord('canvas', 'acme/a', '1');
      await spine.putRecord('canvas', 'acme/a', '1b');
      await spine.putRecord('canvas', 'acmf/x', 'x');
      await spine.putRecord('canvas', 'acme%/_', 'odd');
      await spine.putRecord('canvas', 'é\u{10FFFF}', 'high');
      await spine.putRecord('lens', 'acme/a', 'lens');
      expect(await spine.getRecord('canvas', 'acme/a')).toBe('1b');
      expect(await spine.getRecord('lens', 'acme/a')).toBe('lens');
      expect(await spine.listRecords('canvas', 'acme/')).toEqual([
        { key: 'acme/a', value: '1b' },
        { key: 'acme/b', value: '2' },
      ]);
      expect((await spine.listRecords('canvas', 'acme%')).map((r) => r.key)).toEqual(['acme%/_']);
      expect((await spine.listRecords('canvas', 'é')).map((r) => r.key)).toEqual(['é\u{10FFFF}']);
      expect((await spine.listRecords('canvas', '')).map((r) => r.key)).toEqual([
        'acme%/_',
        'acme/a',
        'acme/b',
        'acmf/x',
        'é\u{10FFFF}',
      ]);
      expect(await spine.listRecords('none', '')).toEqual([]);
    });

    it('[SPINE] putRecordIf: writes only over the expected value (null: only when absent)', async () => {
      expect(await spine.putRecordIf('job', 'acme/j1', 'a', 'x')).toBe(false);
      expect(await spine.getRecord('job', 'acme/j1')).toBeNull();
      expect(await spine.putRecordIf('job', 'acme/j1', 'a', null)).toBe(true);
      expect(await spine.getRecord('job', 'acme/j1')).toBe('a');
      expect(await spine.putRecordIf('job', 'acme/j1', 'b', null)).toBe(false);
      expect(await spine.putRecordIf('job', 'acme/j1', 'b', 'stale')).toBe(false);
      expect(await spine.getRecord('job', 'acme/j1')).toBe('a');
      expect(await spine.putRecordIf('job', 'acme/j1', 'b', 'a')).toBe(true);
      expect(await spine.getRecord('job', 'acme/j1')).toBe('b');
      // Same key under another kind is another record.
      expect(await spine.putRecordIf('run', 'acme/j1', 'r', null)).toBe(true);
      // An empty string is a value, not an absence; texts compare exactly.
      await spine.putRecord('job', 'acme/empty', '');
      expect(await spine.putRecordIf('job', 'acme/empty', 'x', null)).toBe(false);
      expect(await spine.putRecordIf('job', 'acme/empty', 'é\u{10FFFF}"\n', '')).toBe(true);
      expect(await spine.putRecordIf('job', 'acme/empty', 'y', 'é\u{10FFFF}"')).toBe(false);
      expect(await spine.putRecordIf('job', 'acme/empty', '', 'é\u{10FFFF}"\n')).toBe(true);
      expect(await spine.getRecord('job', 'acme/empty')).toBe('');
      // A plain put in between is seen by the next compare.
      await spine.putRecord('job', 'acme/j1', 'c');
      expect(await spine.putRecordIf('job', 'acme/j1', 'd', 'b')).toBe(false);
      expect(await spine.getRecord('job', 'acme/j1')).toBe('c');
      expect(await spine.listRecords('job', 'acme/')).toEqual([
        { key: 'acme/empty', value: '' },
        { key: 'acme/j1', value: 'c' },
      ]);
    });

    it('[SPINE] putRecordIf: of callers racing with the same expectation exactly one wins', async () => {
      const N = 24;
      for (let round = 0; round < 3; round++) {
        const key = `acme/race-${round}`;
        const created = await Promise.all(
          Array.from({ length: N }, (_, i) => spine.putRecordIf('sidecar', key, `v${i}`, null)),
        );
        expect(created.filter(Boolean)).toHaveLength(1);
        const winner = created.indexOf(true);
        expect(await spine.getRecord('sidecar', key)).toBe(`v${winner}`);
        const moved = await Promise.all(
          Array.from({ length: N }, (_, i) => spine.putRecordIf('sidecar', key, `w${i}`, `v${winner}`)),
        );
        expect(moved.filter(Boolean)).toHaveLength(1);
        expect(await spine.getRecord('sidecar', key)).toBe(`w${moved.indexOf(true)}`);
      }
    });

    it('[SPINE] putRecordIf survives a reopen like putRecord', async (ctx) => {
      expect(await spine.putRecordIf('job', 'acme/kept', 'v1', null)).toBe(true);
      if (!h.reopen) return ctx.skip();
      await spine.close();
      const again = await h.reopen();
      expect(await again.getRecord('job', 'acme/kept')).toBe('v1');
      expect(await again.putRecordIf('job', 'acme/kept', 'v2', null)).toBe(false);
      expect(await again.putRecordIf('job', 'acme/kept', 'v2', 'v1')).toBe(true);
      expect(await again.getRecord('job', 'acme/kept')).toBe('v2');
    });

    it('[CONTRACT 4] the epoch is stable across reopen and differs for a new store', async () => {
      expect(spine.epoch).toMatch(/^[a-z0-9]{8,16}$/);
      if (h.reopen) {
        await spine.close();
        expect((await h.reopen()).epoch).toBe(spine.epoch);
      }
      const other = await makeSpine();
      try {
        expect(other.spine.epoch).toMatch(/^[a-z0-9]{8,16}$/);
        expect(other.spine.epoch).not.toBe(spine.epoch);
      } finally {
        await other.cleanup();
      }
    });

    it('[CONTRACT 5] a failing write rejects every append of its batch, stores nothing and leaves no gap', async (ctx) => {
      if (!h.breakWrites) return ctx.skip();
      await appendAll(spine, P, [1, 2, 3]);
      const restore = await h.breakWrites();
      let a!: Appended;
      let b!: Appended;
      let flushed!: Promise<unknown>;
      const turned = spine.turn(P, async () => {
        a = spine.append({ partition: P, events: [event('lost-a')], commandId: 'c-a', outcome: outcomeAt(4) });
        b = spine.append({ partition: P, events: [event('lost-b'), event('lost-c')] });
        expect([a.seqs, b.seqs]).toEqual([[4], [5, 6]]);
        expect(await spine.lookupCommand(P, 'c-a')).toEqual({ cursor: 'e-4', revision: 4 });
        expect((await spine.read(P, 0)).map((r) => r.seq)).toEqual([1, 2, 3]);
        flushed = reasonOf(spine.flush());
      });
      const turnFailure = await turned.then(
        () => null,
        (error: unknown) => error,
      );
      const reasons = await Promise.all([reasonOf(a.durable), reasonOf(b.durable), flushed]);
      for (const reason of reasons) expect(isSpineError(reason, 'write_failed')).toBe(true);
      // A shared spine's turn fails with its transaction (a single-writer turn may have left the
      // failed batch to the flush above).
      if (spine.writers === 'shared') expect(isSpineError(turnFailure, 'write_failed')).toBe(true);
      await restore();
      expect(await spine.lookupCommand(P, 'c-a')).toBeNull();
      expect(await spine.head(P)).toBe(3);
      expect((await spine.read(P, 0)).map((r) => r.seq)).toEqual([1, 2, 3]);
      const retry = await inTurn(spine, P, async (head) => {
        expect(head).toBe(3);
        expect(await spine.lookupCommand(P, 'c-a')).toBeNull();
        return spine.append({ partition: P, events: [event('again')], commandId: 'c-a', outcome: outcomeAt(4) });
      });
      expect(retry.seqs).toEqual([4]);
      await retry.durable;
      expect((await spine.read(P, 0)).map((r) => [r.seq, r.envelope])).toEqual([
        [1, envelope(1)],
        [2, envelope(2)],
        [3, envelope(3)],
        [4, envelope('again')],
      ]);
    });

    it('[SPINE] putRecordIf rejects with write_failed when the store refuses writes, and stores nothing', async (ctx) => {
      if (!h.breakWrites) return ctx.skip();
      await spine.putRecord('job', 'acme/b', 'before');
      const restore = await h.breakWrites();
      const reasons = await Promise.all([
        reasonOf(spine.putRecordIf('job', 'acme/a', 'new', null)),
        reasonOf(spine.putRecordIf('job', 'acme/b', 'after', 'before')),
      ]);
      for (const reason of reasons) expect(isSpineError(reason, 'write_failed')).toBe(true);
      await restore();
      expect(await spine.getRecord('job', 'acme/a')).toBeNull();
      expect(await spine.getRecord('job', 'acme/b')).toBe('before');
      expect(await spine.putRecordIf('job', 'acme/b', 'after', 'before')).toBe(true);
    });

    it('[CONTRACT 4] after close, operations reject with closed', async () => {
      await spine.close();
      await spine.close();
      expect(isSpineError(await reasonOf(spine.append({ partition: P, events: [event(1)] }).durable), 'closed')).toBe(
        true,
      );
      expect(isSpineError(await reasonOf(spine.read(P, 0)), 'closed')).toBe(true);
      expect(isSpineError(await reasonOf(spine.putRecord('k', 'k', 'v')), 'closed')).toBe(true);
      expect(isSpineError(await reasonOf(spine.putRecordIf('k', 'k', 'v', null)), 'closed')).toBe(true);
      expect(isSpineError(await reasonOf(spine.turn(P, async () => 1)), 'closed')).toBe(true);
    });

    it('[SPINE] turn: work gets the durable head, and every event up to it is readable', async () => {
      await appendAll(spine, P, [1, 2, 3]);
      const seen = await inTurn(spine, P, async (head) => ({
        head,
        current: await spine.head(P),
        readable: (await spine.read(P, 0)).map((r) => r.seq),
      }));
      expect(seen).toEqual({ head: 3, current: 3, readable: [1, 2, 3] });
      expect(await inTurn(spine, Q, (head) => head)).toBe(0);
      expect(await spine.turn(P, async () => 'value')).toBe('value');
    });

    it('[SPINE] turn: its appends, made across awaits, commit in one transaction before the turn resolves', async () => {
      const before = h.commits?.() ?? 0;
      const pending: Appended[] = [];
      await inTurn(spine, P, async () => {
        for (let i = 1; i <= 20; i++) {
          // The gateway's shape: look something up, then append.
          expect(await spine.lookupCommand(P, `k${i}`)).toBeNull();
          pending.push(spine.append({ partition: P, events: [event(i)], commandId: `k${i}`, outcome: outcomeAt(i) }));
          if (i % 5 === 0) await spine.read(P, 0, { limit: 1 });
        }
      });
      // Resolved means durable: every row is readable now, without waiting for the appends.
      expect((await spine.read(P, 0)).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await spine.lookupCommand(P, 'k20')).toEqual({ cursor: 'e-20', revision: 20 });
      expect((await Promise.all(pending.map((p) => p.durable))).map((r) => r.seqs[0])).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      if (h.commits) expect(h.commits() - before).toBe(1);
    });

    it('[SPINE] turn: a rejecting work rejects the turn; on a shared spine its appends are rolled back', async () => {
      await appendAll(spine, P, [1, 2]);
      let lost!: Appended;
      const failure = new Error('the work failed');
      const reason = await reasonOf(
        spine.turn(P, async () => {
          lost = spine.append({ partition: P, events: [event('lost')], commandId: 'c-lost', outcome: outcomeAt(3) });
          expect(lost.seqs).toEqual([3]);
          throw failure;
        }),
      );
      expect(reason).toBe(failure);
      if (spine.writers === 'shared') {
        expect(isSpineError(await reasonOf(lost.durable), 'write_failed')).toBe(true);
        expect(await spine.head(P)).toBe(2);
        expect(await spine.lookupCommand(P, 'c-lost')).toBeNull();
        expect((await spine.read(P, 0)).map((r) => r.envelope)).toEqual([envelope(1), envelope(2)]);
        // No gap: the next turn reuses the seq.
        const next = await inTurn(spine, P, () => spine.append({ partition: P, events: [event('next')] }));
        expect(next.seqs).toEqual([3]);
        await next.durable;
      } else {
        // A single-writer spine commits each append on its own merits (EventSpine.turn).
        expect((await lost.durable).seqs).toEqual([3]);
        expect((await spine.read(P, 0)).map((r) => r.envelope)).toEqual([envelope(1), envelope(2), envelope('lost')]);
      }
    });

    it('[SPINE] turn: turns of one partition run one after another, each seeing the last one durable', async () => {
      let inside = 0;
      let mostInside = 0;
      const turns = Array.from({ length: 5 }, (_, i) =>
        spine.turn(P, async (head) => {
          inside++;
          mostInside = Math.max(mostInside, inside);
          const readable = (await spine.read(P, 0)).length;
          const appended = spine.append({ partition: P, events: [event(`t${i}a`), event(`t${i}b`)] });
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
          return { head, readable, seqs: appended.seqs };
        }),
      );
      const results = await Promise.all(turns);
      expect(mostInside).toBe(1);
      expect(results).toEqual(
        Array.from({ length: 5 }, (_, i) => ({ head: 2 * i, readable: 2 * i, seqs: [2 * i + 1, 2 * i + 2] })),
      );
      expect((await spine.read(P, 0)).map((r) => r.envelope)).toEqual(
        Array.from({ length: 5 }, (_, i) => [envelope(`t${i}a`), envelope(`t${i}b`)]).flat(),
      );
    });

    it('[SPINE] turn: a turn held open on one partition does not hold up another partition', async () => {
      const held = await holdTurn(spine, P);
      const onQ = await inTurn(spine, Q, () => spine.append({ partition: Q, events: [event('q')] }));
      expect((await onQ.durable).seqs).toEqual([1]);
      const onP = spine.append({ partition: P, events: [event('p')] });
      expect(onP.seqs).toEqual([1]);
      await held.close();
      expect((await onP.durable).seqs).toEqual([1]);
    });

    it('[SPINE] append outside a turn: refused with no_turn on a shared spine, also after the work settled', async () => {
      const outside = spine.append({ partition: P, events: [event(1)] });
      if (spine.writers === 'single') {
        expect(outside.seqs).toEqual([1]);
        await outside.durable;
        return;
      }
      expect(outside.seqs).toEqual([]);
      const refused = await reasonOf(outside.durable);
      expect(isSpineError(refused, 'no_turn')).toBe(true);
      expect((refused as Error).message).toContain('turn');
      // An append the work leaves behind (a timer) lands after the work settled: refused as well.
      let late!: Promise<unknown>;
      const lateDone = new Promise<void>((resolve) => {
        void spine.turn(P, async () => {
          setTimeout(() => {
            late = reasonOf(spine.append({ partition: P, events: [event('late')] }).durable);
            resolve();
          }, 0);
        });
      });
      await lateDone;
      expect(isSpineError(await late, 'no_turn')).toBe(true);
      await spine.flush();
      expect(await spine.head(P)).toBe(0);
      expect(await spine.read(P, 0)).toEqual([]);
    });

    it('[CONTRACT 4] property: random interleavings over partitions read back exactly, in order', async () => {
      let run = 0;
      const step = fc.record({
        partition: fc.integer({ min: 0, max: 3 }),
        events: fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('a', 'b', null)), {
          maxLength: 3,
        }),
        settle: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
          run++;
          const expected = new Map<PartitionId, Array<{ seq: number; canvasId: string | null; envelope: string }>>();
          let outstanding: Array<Promise<AppendResult>> = [];
          // One held turn per partition, opened at its first append and closed at each settle.
          const held = new Map<PartitionId, HeldTurn>();
          const closeTurns = async () => {
            const turns = [...held.values()];
            held.clear();
            await Promise.all(turns.map((t) => t.close()));
          };
          for (const s of steps) {
            const partition = `prop${run}/p${s.partition}`;
            if (!held.has(partition)) held.set(partition, await holdTurn(spine, partition));
            const list = expected.get(partition) ?? [];
            expected.set(partition, list);
            const events = s.events.map(([text, canvasId]) => ({
              type: 'state_patch',
              canvasId,
              envelope: JSON.stringify({ run, text }),
            }));
            const { seqs, durable } = spine.append({ partition, events });
            expect(seqs).toEqual(events.map((_, i) => list.length + 1 + i));
            events.forEach((e, i) => {
              list.push({ seq: list.length + 1, canvasId: e.canvasId, envelope: e.envelope });
              expect(list.length).toBe(seqs[i]);
            });
            outstanding.push(durable);
            if (s.settle) {
              await closeTurns();
              await Promise.all(outstanding);
              outstanding = [];
            }
          }
          await closeTurns();
          await Promise.all(outstanding);
          for (const [partition, list] of expected) {
            const rows = await spine.read(partition, 0);
            expect(rows.map((r) => ({ seq: r.seq, canvasId: r.canvasId, envelope: r.envelope }))).toEqual(list);
            const onlyA = await spine.read(partition, 0, { canvasId: 'a' });
            expect(onlyA.map((r) => r.seq)).toEqual(list.filter((e) => e.canvasId === 'a').map((e) => e.seq));
            const aAndProject = await spine.read(partition, 0, { canvasId: 'a', projectWide: true });
            expect(aAndProject.map((r) => r.seq)).toEqual(
              list.filter((e) => e.canvasId === 'a' || e.canvasId === null).map((e) => e.seq),
            );
          }
        }),
        { numRuns: 25 },
      );
    }, 30_000);
  });
}
