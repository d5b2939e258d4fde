import type { Scope } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { findRecord, type RecordLookup } from './findRecord.ts';

interface Rec {
  readonly id: string;
  readonly state: string;
}

const scope: Scope = { tenant_id: 't1', project_id: 'p1', app_id: 'a1', surface_id: 's1', mode: 'edit' };
const principal = { tenantId: 't1' };

/** A lookup over two maps keyed by id (this node's live records, the store), counting store reads. */
function lookupOver(live: Map<string, Rec>, stored: Map<string, Rec | 'corrupt'>) {
  const reads: string[] = [];
  const lookup: RecordLookup<Rec> = {
    noun: 'thing',
    live: (_partition, id) => live.get(id),
    load: async (partition, id) => {
      reads.push(`${partition}:${id}`);
      return stored.get(id) ?? null;
    },
    current: async (rec) => (rec.state === 'orphan' ? { ...rec, state: 'settled' } : rec),
  };
  return { lookup, reads };
}

describe('findRecord', () => {
  it('[CONTRACT 2] another tenant is 403 tenant_mismatch and nothing is read', async () => {
    const { lookup, reads } = lookupOver(new Map(), new Map([['x', { id: 'x', state: 'done' }]]));
    const r = await findRecord(lookup, { tenantId: 't2' }, scope, 'x');
    expect(r.ok ? null : r.error.code).toBe('tenant_mismatch');
    expect(reads).toEqual([]);
  });

  it('[CONTRACT 3] a malformed id is 400 validation_failed naming the id field', async () => {
    const { lookup, reads } = lookupOver(new Map(), new Map());
    const r = await findRecord(lookup, principal, scope, 'Not An Id!');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_failed');
    expect(r.error.message).toBe('thing_id: must be a slug or a ULID');
    expect(r.error.details).toEqual({ issues: [{ path: 'thing_id', message: 'must be a slug or a ULID' }] });
    expect(reads).toEqual([]);
  });

  it('a record live on this node is answered from memory, not the store', async () => {
    const { lookup, reads } = lookupOver(
      new Map([['x', { id: 'x', state: 'running' }]]),
      new Map([['x', { id: 'x', state: 'stale' }]]),
    );
    const r = await findRecord(lookup, principal, scope, 'x');
    expect(r).toEqual({ ok: true, value: { id: 'x', state: 'running' } });
    expect(reads).toEqual([]);
  });

  it('a stored record reads as it is now (an orphan settled), from its scope partition', async () => {
    const { lookup, reads } = lookupOver(
      new Map(),
      new Map<string, Rec>([
        ['o', { id: 'o', state: 'orphan' }],
        ['d', { id: 'd', state: 'done' }],
      ]),
    );
    expect(await findRecord(lookup, principal, scope, 'o')).toEqual({ ok: true, value: { id: 'o', state: 'settled' } });
    expect(await findRecord(lookup, principal, scope, 'd')).toEqual({ ok: true, value: { id: 'd', state: 'done' } });
    expect(reads).toEqual(['t1/p1:o', 't1/p1:d']);
  });

  it('a record that became live while the store was read is answered from memory', async () => {
    const live = new Map<string, Rec>();
    const { lookup } = lookupOver(live, new Map());
    const racing: RecordLookup<Rec> = {
      ...lookup,
      load: async (_partition, id) => {
        live.set(id, { id, state: 'running' });
        return { id, state: 'orphan' };
      },
    };
    expect(await findRecord(racing, principal, scope, 'x')).toEqual({ ok: true, value: { id: 'x', state: 'running' } });
  });

  it('[CONTRACT 3] missing is 404 not_found; unreadable or a failing store is 503 unavailable', async () => {
    const { lookup } = lookupOver(new Map(), new Map([['bad', 'corrupt']]));
    const missing = await findRecord(lookup, principal, scope, 'none');
    expect(missing.ok ? null : missing.error).toEqual({
      code: 'not_found',
      message: "no thing 'none' in project 'p1'",
    });
    const corrupt = await findRecord(lookup, principal, scope, 'bad');
    expect(corrupt.ok ? null : corrupt.error).toEqual({
      code: 'unavailable',
      message: "the stored record of thing 'bad' cannot be read",
    });
    const down = await findRecord(
      {
        ...lookup,
        load: async () => {
          throw new Error('store down');
        },
      },
      principal,
      scope,
      'x',
    );
    expect(down.ok ? null : down.error).toEqual({
      code: 'unavailable',
      message: 'the thing store is unavailable; retry',
    });
  });
});
