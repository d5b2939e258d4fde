import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandIdFilter, filterBits } from './CommandIdFilter.ts';
import { CommandIdIndex } from './CommandIdIndex.ts';
import { mustOpen, tempSpineFiles } from './sqliteTestHarness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until `ready()` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (ready()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A spine file holding `ids` as stored commands of partition t/p. */
async function fileWithCommands(path: string, ids: readonly string[]): Promise<void> {
  const spine = mustOpen({ path, durability: 'normal' });
  await Promise.all(
    ids.map(
      (id, i) =>
        spine.append({
          partition: 't/p',
          events: [{ type: 'x', canvasId: 'c', envelope: JSON.stringify({ v: 1, i }) }],
          commandId: id,
          outcome: (seq) => ({ cursor: `e-${seq}`, revision: i + 1 }),
        }).durable,
    ),
  );
  await spine.close();
}

describe('CommandIdFilter', () => {
  it('[SPINE] a key added is always reported maybe-present (no false negatives)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 60 }), { maxLength: 400 }), (keys) => {
        const filter = CommandIdFilter.empty(keys.length);
        for (const key of keys) filter.add(key);
        return keys.every((key) => filter.mightContain(key));
      }),
      { numRuns: 60 },
    );
  });

  it('[SPINE] at capacity about 1 % of absent keys are false positives', () => {
    const filter = CommandIdFilter.empty(20_000);
    for (let i = 0; i < 20_000; i++) filter.add(`t/p\ncmd-${i}`);
    let positives = 0;
    for (let i = 0; i < 20_000; i++) if (filter.mightContain(`t/p\nother-${i}`)) positives++;
    expect(positives / 20_000).toBeLessThan(0.03);
  });

  it('[SPINE] sizes are powers of two, at least 2^16 bits, 10 bits per key', () => {
    expect(filterBits(1)).toBe(1 << 16);
    expect(filterBits(100_000)).toBe(1 << 20);
    expect(() => new CommandIdFilter(new Uint32Array(3))).toThrow(RangeError);
  });
});

describe('CommandIdIndex', () => {
  const { file, removeAll } = tempSpineFiles();
  afterEach(removeAll);

  it('[CONTRACT 5] ids stored before open are found after the scan; new ids are absent without a query', async () => {
    const path = file();
    const stored = Array.from({ length: 50 }, (_, i) => `stored-${i}`);
    await fileWithCommands(path, stored);
    const spine = mustOpen({ path });
    await until(() => spine.stats.commandIds.ready, 'the command-id scan');
    for (const [i, id] of stored.entries()) {
      expect(await spine.lookupCommand('t/p', id)).toEqual({ cursor: `e-${i + 1}`, revision: i + 1 });
    }
    const queries = spine.stats.lookupQueries;
    for (let i = 0; i < 20; i++) expect(await spine.lookupCommand('t/p', `fresh-${i}`)).toBeNull();
    expect(spine.stats.lookupsSkipped).toBeGreaterThanOrEqual(18);
    expect(spine.stats.lookupQueries - queries).toBeLessThanOrEqual(2);
    // A stored id appended again is still refused as a duplicate.
    const again = spine.append({
      partition: 't/p',
      events: [{ type: 'x', canvasId: 'c', envelope: '{"v":1}' }],
      commandId: 'stored-3',
      outcome: () => ({ cursor: 'e-x', revision: 9 }),
    });
    expect(again.seqs).toEqual([]);
    await expect(again.durable).rejects.toMatchObject({ code: 'duplicate_command' });
    await spine.close();
  });

  it('[SPINE] keys added during the scan and keys still uncommitted when it started are kept', async () => {
    const path = file();
    await fileWithCommands(path, ['a', 'b']);
    const index = new CommandIdIndex({ path }, () => ['t/p\nuncommitted']);
    expect(index.mightContain('t/p\nanything')).toBe(true); // not ready: the database decides
    index.add('t/p\nduring');
    await until(() => index.stats.ready, 'the scan');
    for (const key of ['t/p\na', 't/p\nb', 't/p\nduring', 't/p\nuncommitted'])
      expect(index.mightContain(key)).toBe(true);
    await index.close();
  });

  it('[SPINE] past its capacity the index scans again, twice the size, and keeps every key', async () => {
    const path = file();
    await fileWithCommands(path, ['s1', 's2', 's3']);
    // Keys added here are never stored: to the index they are appended and not yet committed.
    const added: string[] = [];
    const index = new CommandIdIndex({ path, minCapacity: 8 }, () => added);
    await until(() => index.stats.ready, 'the first scan');
    const first = index.stats.capacity;
    for (let i = 0; i < 40; i++) {
      added.push(`t/p\nnew-${i}`);
      index.add(`t/p\nnew-${i}`);
    }
    await until(() => index.stats.scans >= 2 && index.stats.capacity > first, 'the second scan');
    for (const key of [...added, 't/p\ns1', 't/p\ns2', 't/p\ns3']) expect(index.mightContain(key)).toBe(true);
    expect(index.stats.scanFailures).toBe(0);
    await index.close();
  });

  it('[SPINE] a file that cannot be scanned leaves the database in charge', async () => {
    const index = new CommandIdIndex({ path: `${file()}.missing-dir/x.db` }, () => []);
    await until(() => index.stats.scanFailures === 1, 'the failed scan');
    expect(index.stats.ready).toBe(false);
    expect(index.mightContain('t/p\nx')).toBe(true);
    await index.close();
  });

  it('[SPINE] closing during a scan stops it; the index then leaves the database in charge', async () => {
    const path = file();
    await fileWithCommands(path, ['a']);
    const index = new CommandIdIndex({ path }, () => []);
    await index.close();
    expect(index.stats.ready).toBe(false);
    expect(index.mightContain('t/p\na')).toBe(true);
  });
});
