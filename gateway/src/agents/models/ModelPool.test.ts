import { describe, expect, it } from 'vitest';
import { LocalModel } from './LocalModel.ts';
import { ModelPool } from './ModelPool.ts';

describe('ModelPool (warm pool seam)', () => {
  it('[CONTRACT 4] model_status: a cold model reports selected → loading → ready, a warm one selected → ready, a change of model switching first', async () => {
    let created = 0;
    const pool = new ModelPool();
    pool.register('local', () => {
      created += 1;
      return new LocalModel({ loadDelayMs: 20 });
    });
    pool.register('other', () => new LocalModel({ name: 'other' }));
    const seen: string[] = [];
    const note = (status: string, model: string) => seen.push(`${model}:${status}`);
    const [a, b] = await Promise.all([pool.acquire(undefined, note), pool.acquire('local', note)]);
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
    expect(created).toBe(1);
    expect(seen).toEqual(['local:selected', 'local:loading', 'local:selected', 'local:ready', 'local:ready']);
    seen.length = 0;
    await pool.acquire('local', note);
    expect(seen).toEqual(['local:selected', 'local:ready']);
    seen.length = 0;
    await pool.acquire('other', note, 'local');
    expect(seen).toEqual(['other:switching', 'other:selected', 'other:loading', 'other:ready']);
    const missing = await pool.acquire('nope', note);
    expect(!missing.ok && missing.error.code).toBe('not_found');
    await pool.close();
    await pool.acquire('local', () => {});
    expect(created).toBe(2);
  });
});
