import type pino from 'pino';
import type { Principal } from '../../core/auth/Principal.ts';
import { NO_SOURCES } from '../../core/DerivedSources.ts';
import type { RunVerdict } from './RunExecution.ts';
import { type RunRecord, runKey, statusOf } from './RunRecord.ts';
import type { RunStore } from './RunStore.ts';
import { appendVerdict, type StandingVerdict, type VerdictCore } from './RunVerdicts.ts';

/** What {@link RunOrphans} works with. */
export interface RunOrphansDeps {
  readonly store: RunStore;
  readonly core: VerdictCore;
  /** Is the run (by record key) live on this node? */
  isLive(key: string): boolean;
  readonly now: () => number;
  readonly logger?: pino.Logger;
}

/**
 * Runs a stopped node left `running` (contract §10: they end `verdict: stopped`, reason
 * `interrupted`). A record is an orphan when no live run on this node backs it and its node is
 * this one (it restarted: single-writer spines use one fixed node key) or its lease ran out (its
 * node stopped renewing: crashed, killed, cut off). Settling one appends the verdict under the
 * run's verdict command id, so if its node did append a verdict after all (it was only slow, or
 * died between the verdict and the record) that one stands and the record follows it; then the
 * record is written. Every node settles: on start, every `sweepMs` on shared spines, and when
 * a run is read.
 */
export class RunOrphans {
  private readonly settling = new Map<string, Promise<RunRecord>>();

  constructor(private readonly d: RunOrphansDeps) {}

  isOrphan(record: RunRecord, now = this.d.now()): boolean {
    if (record.status !== 'running' || this.d.isLive(keyOf(record))) return false;
    return record.node === this.d.store.nodeKey || (record.lease_until ?? 0) < now;
  }

  /** Settles an orphan (once per run at a time on this node); resolves with its final record. */
  settle(record: RunRecord): Promise<RunRecord> {
    const key = keyOf(record);
    const pending = this.settling.get(key);
    if (pending) return pending;
    const work = this.settleNow(record).finally(() => this.settling.delete(key));
    this.settling.set(key, work);
    return work;
  }

  /**
   * Settles the orphans in every node's live-run list and empties the lists of nodes whose runs
   * are all settled. Never throws (failures are logged; the next sweep or read retries).
   */
  async sweep(): Promise<number> {
    let settled = 0;
    try {
      for (const { node, keys } of await this.d.store.listActive()) {
        let open = false;
        for (const key of keys) {
          const record = await this.d.store.loadKey(key);
          if (record?.status !== 'running') continue;
          if (!this.isOrphan(record)) {
            open = true;
            continue;
          }
          await this.settle(record);
          settled += 1;
          this.d.logger?.warn({ run: record.run_id, node }, 'run interrupted by a node stop; marked stopped');
        }
        if (!open && keys.length > 0) await this.d.store.clearActive(node);
      }
    } catch (err) {
      this.d.logger?.warn({ err }, 'settling interrupted runs failed; they are settled on the next sweep or read');
    }
    return settled;
  }

  private async settleNow(record: RunRecord): Promise<RunRecord> {
    const verdict: RunVerdict = {
      run_id: record.run_id,
      kind: 'verdict',
      verdict: 'stopped',
      reason: 'interrupted',
      usage: { tokens: record.usage.tokens, time_ms: record.usage.time_ms },
    };
    const principal: Principal = {
      actorId: record.actor.id,
      tenantId: record.scope.tenant_id,
      kind: record.actor.kind,
      roles: record.roles,
    };
    const standing = await appendVerdict(
      this.d.core,
      { runId: record.run_id, scope: record.scope, principal },
      verdict,
      NO_SOURCES,
      this.d.logger,
    );
    const final = finalRecord(record, standing, new Date(this.d.now()).toISOString());
    await this.d.store.save(final);
    return final;
  }
}

/** A run's record once `standing` ended it. */
export function finalRecord(record: RunRecord, standing: StandingVerdict, finishedAt: string): RunRecord {
  const { derived_from: _previous, ...rest } = record;
  return {
    ...rest,
    status: statusOf(standing.verdict.verdict),
    verdict: standing.verdict,
    finished_at: finishedAt,
    ...(standing.sources !== null ? { derived_from: standing.sources } : {}),
  };
}

function keyOf(record: RunRecord): string {
  return runKey(`${record.scope.tenant_id}/${record.scope.project_id}`, record.run_id);
}
