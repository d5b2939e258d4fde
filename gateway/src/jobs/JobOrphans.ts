import type pino from 'pino';
import type { SpineWriters } from '../core/spine/EventSpine.ts';
import { announceFinal, type DurableSink } from './announceFinal.ts';
import { interrupted } from './interrupted.ts';
import { type JobRecord, TERMINAL_STATUSES } from './JobRecord.ts';
import type { JobStore } from './JobStore.ts';

/**
 * Jobs a stopped node left `queued` or `running` (contract §9: they read `failed`, kind
 * `interrupted`). A record is an orphan when no live job backs it and its node is this one (it
 * restarted) or its lease ran out. On a single-writer spine (SQLite) every leftover is an orphan
 * when the node starts again, so all are settled then; on a shared spine (PostgreSQL) a leftover
 * whose node may still be alive waits for its lease, and is settled by the first node that reads
 * it or starts after that. Two nodes settling the same orphan at the same instant may both append
 * its `job_completed`: consumers key jobs by `job_id`.
 */
export class JobOrphans {
  constructor(
    private readonly store: JobStore,
    private readonly sink: DurableSink,
    private readonly writers: SpineWriters,
    private readonly nodeId: string,
    private readonly logger?: pino.Logger,
  ) {}

  isOrphan(record: JobRecord, now = Date.now()): boolean {
    return record.node === this.nodeId || record.lease_until < now;
  }

  /** Marks an orphan `failed` (`interrupted`): its record, then its durable events. */
  async settle(record: JobRecord): Promise<void> {
    record.status = 'failed';
    record.error = interrupted('lost').error;
    record.finished_at = new Date().toISOString();
    record.updated_at = record.finished_at;
    await this.store.save(record, true);
    await announceFinal(this.sink, record, undefined, this.logger);
    await this.store.forget(record);
  }

  /** Settles the orphans listed in every node's active list. Never throws. */
  async recover(): Promise<void> {
    try {
      for (const { node, keys } of await this.store.listActive()) {
        let settled = true;
        for (const key of keys) {
          const record = await this.store.loadKey(key);
          if (!record || TERMINAL_STATUSES.has(record.status)) continue;
          if (this.writers === 'single' || this.isOrphan(record)) {
            await this.settle(record);
            this.logger?.warn({ job: record.job_id, node }, 'job interrupted by a node stop; marked failed');
          } else {
            settled = false;
          }
        }
        if (settled && keys.length > 0) await this.store.clearActive(node);
      }
      if (this.writers === 'single') await this.store.writeActive();
    } catch (err) {
      this.logger?.warn({ err }, 'settling interrupted jobs failed; they are settled when read');
    }
  }
}
