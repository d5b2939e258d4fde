import type { CommitSync } from './DurableFrontier.ts';
import type { WorkerSyncListener } from './WorkerWriter.ts';

interface Waiter {
  readonly durable: () => void;
  readonly failed: (error: Error) => void;
}

/**
 * `writer: 'worker-pipelined'`: the main thread's view of the WAL syncs the writer thread runs
 * (`WorkerWriterOptions.walSync`). Each batch whose COMMIT the thread reported registers here, in
 * commit order; the thread reports after each `fdatasync` how many of the oldest unreported
 * commits it covered (it started after their COMMIT), and those are told durable. A report that
 * arrives before its batches registered is kept as credit (they register in the same order).
 */
export class WorkerWalSync implements CommitSync, WorkerSyncListener {
  private readonly waiting: Waiter[] = [];
  private credit = 0;
  private syncs = 0;
  private failure: Error | null = null;

  constructor(readonly beforeSync?: () => Promise<void>) {}

  get count(): number {
    return this.syncs;
  }

  get failed(): Error | null {
    return this.failure;
  }

  committed(durable: () => void, failed: (error: Error) => void): void {
    if (this.failure !== null) {
      failed(this.failure);
      return;
    }
    if (this.credit > 0) {
      this.credit--;
      durable();
      return;
    }
    this.waiting.push({ durable, failed });
  }

  barrier(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // Settles with the last batch registered so far (syncs cover batches in order).
      const last = this.waiting[this.waiting.length - 1] as Waiter;
      this.waiting[this.waiting.length - 1] = {
        durable: () => {
          last.durable();
          resolve();
        },
        failed: (error) => {
          last.failed(error);
          reject(error);
        },
      };
    });
  }

  durable(count: number): void {
    this.syncs++;
    const covered = this.waiting.splice(0, count);
    this.credit += count - covered.length;
    for (const waiter of covered) waiter.durable();
  }

  syncFailed(error: Error): void {
    this.failure ??= error;
    const all = this.waiting.splice(0);
    for (const waiter of all) waiter.failed(this.failure);
  }

  async close(): Promise<void> {
    await this.barrier().catch(() => {});
  }
}
