import { describe, expect, it } from 'vitest';
import { WorkerWalSync } from './WorkerWalSync.ts';

/** Registers one committed batch; returns its state as the sync reports arrive. */
function register(sync: WorkerWalSync) {
  const state = { durable: false, error: null as Error | null };
  sync.committed(
    () => {
      state.durable = true;
    },
    (error) => {
      state.error = error;
    },
  );
  return state;
}

describe('WorkerWalSync (the writer thread syncs the WAL)', () => {
  it('[CONTRACT 4] a sync report makes exactly the oldest reported batches durable, in commit order', async () => {
    const sync = new WorkerWalSync();
    const [a, b, c] = [register(sync), register(sync), register(sync)];
    const barrier = sync.barrier();
    sync.durable(2);
    expect([a.durable, b.durable, c.durable]).toEqual([true, true, false]);
    let passed = false;
    void barrier.then(() => {
      passed = true;
    });
    await Promise.resolve();
    expect(passed).toBe(false); // the barrier waits for c, registered before it
    sync.durable(1);
    await barrier;
    expect(c.durable).toBe(true);
    expect(sync.count).toBe(2);
  });

  it('[CONTRACT 4] a report that arrives before its batch registered is kept as credit', () => {
    const sync = new WorkerWalSync();
    sync.durable(1);
    const late = register(sync);
    const next = register(sync);
    expect([late.durable, next.durable]).toEqual([true, false]);
  });

  it('[CONTRACT 5] a failed sync rejects every unreported batch and every later one', async () => {
    const sync = new WorkerWalSync();
    const waiting = register(sync);
    const barrier = sync.barrier();
    sync.syncFailed(new Error('fdatasync of the WAL failed: EIO'));
    expect(waiting.error?.message).toMatch(/EIO/);
    await expect(barrier).rejects.toThrow(/EIO/);
    expect(register(sync).error?.message).toMatch(/EIO/);
    expect(sync.failed?.message).toMatch(/EIO/);
  });
});
