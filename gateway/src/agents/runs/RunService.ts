import { decodeCursor, partitionId, type RunCreated, type RunInfo, type Scope } from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../../core/auth/Principal.ts';
import { DerivedSourceSet } from '../../core/DerivedSources.ts';
import { fail, ok, type Result } from '../../core/errors/GatewayError.ts';
import { fastUlid } from '../../core/ids/fastUlid.ts';
import { findRecord, type RecordLookup } from '../../core/records/findRecord.ts';
import { pathIdConflict } from '../../jobs/pathIdConflict.ts';
import type { PluginHost } from '../../plugins/index.ts';
import type { ModelPool } from '../models/ModelPool.ts';
import { parseRunRequest, type RunPlan } from './parseRunRequest.ts';
import type { RunCore } from './RunCore.ts';
import { RunEvents } from './RunEvents.ts';
import { canvasScopeOf } from './RunCanvasReader.ts';
import { RunExecution, type RunVerdict } from './RunExecution.ts';
import { finalRecord, RunOrphans } from './RunOrphans.ts';
import { type RunRecord, runActor, runInfoFor, runKey } from './RunRecord.ts';
import { RunStore } from './RunStore.ts';
import { appendVerdict, type StandingVerdict, verdictSettled } from './RunVerdicts.ts';

export { runActor } from './RunRecord.ts';

/** Options of {@link RunService.open}. */
export interface RunServiceOptions {
  readonly core: RunCore;
  readonly plugins: Pick<PluginHost, 'invoke' | 'manifest'>;
  readonly models: Pick<ModelPool, 'acquire'>;
  /** The pool name of the model runs use. Default `local` (the built-in model). */
  readonly model?: string;
  readonly logger?: pino.Logger;
  /** Runs live at once on this node; beyond, `POST /v1/runs` is 429 `rate_limited`. Default 16. */
  readonly maxLive?: number;
  /** Clock (ms). Default `Date.now`. */
  readonly now?: () => number;
  /**
   * How long this node's claim on a live run lasts without a renewal, ms; renewed every third of
   * it. A run whose lease ran out is settled `stopped` / `interrupted` by any node. Default 30 000.
   */
  readonly leaseMs?: number;
  /** Shared spines: how often this node looks for runs whose lease ran out, ms. Default `leaseMs`. */
  readonly sweepMs?: number;
}

interface LiveRun {
  record: RunRecord;
  readonly execution: RunExecution;
  readonly principal: Principal;
  /** Resolves once the run ended (its verdict stored, its record final) or was never started. */
  readonly done: Promise<void>;
  finishing: boolean;
}

/**
 * Runs (contract §10): `POST /v1/runs` validates the TaskSpec, registers the run (this node's
 * live-run list, then its record with a lease), appends the durable `run_started` (the run's
 * first event: every event of the run carries `scope.run_id`) and starts the agent loop
 * ({@link RunExecution}) with the pool's model; the loop ends with exactly one durable `verdict`
 * (stored under the run's verdict command id). A run's record lives in the spine, so
 * `GET /v1/runs/{id}` answers after the run, after a restart and on every node. While a run is
 * live its node renews the record's lease; a run whose node stopped (restart on single-writer
 * spines, an expired lease on shared ones) gets `verdict: stopped`, reason `interrupted`, from
 * whichever node finds it first (on start, by a periodic sweep on shared spines, or when read).
 */
export class RunService {
  private readonly live = new Map<string, LiveRun>();
  /** Runs being created (by partition and id), before they are in {@link live}. */
  private readonly claimed = new Set<string>();
  private closing = false;
  private readonly maxLive: number;
  private readonly modelName: string;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly sweeper: NodeJS.Timeout | null;
  private sweeping: Promise<unknown> | null = null;
  readonly store: RunStore;
  private readonly orphans: RunOrphans;
  /** Reads a run: live on this node (with its usage so far), else stored (an orphan settled). */
  private readonly lookup: RecordLookup<RunRecord> = {
    noun: 'run',
    live: (partition, runId) => {
      const run = this.live.get(runKey(partition, runId));
      return run && this.snapshot(run);
    },
    load: (partition, runId) => this.store.load(partition, runId),
    current: async (stored) => (this.orphans.isOrphan(stored) ? await this.orphans.settle(stored) : stored),
  };

  private constructor(private readonly o: RunServiceOptions) {
    this.maxLive = Math.max(1, o.maxLive ?? 16);
    this.modelName = o.model ?? 'local';
    this.now = o.now ?? Date.now;
    this.leaseMs = Math.max(100, o.leaseMs ?? 30_000);
    const shared = o.core.spine.writers !== 'single';
    // One writer (SQLite): a fixed key, so the node finds its own leftovers when it starts again.
    const node = shared ? `n${fastUlid().toLowerCase()}` : 'local';
    this.store = new RunStore(o.core.spine, node, o.logger);
    this.orphans = new RunOrphans({
      store: this.store,
      core: o.core,
      isLive: (key) => this.live.has(key),
      now: this.now,
      ...(o.logger ? { logger: o.logger } : {}),
    });
    this.heartbeat = setInterval(() => this.renew(), Math.max(30, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
    this.sweeper = shared ? setInterval(() => this.sweep(), Math.max(50, o.sweepMs ?? this.leaseMs)) : null;
    this.sweeper?.unref();
  }

  /** Opens the service and settles the runs a stopped gateway left without a verdict. */
  static async open(options: RunServiceOptions): Promise<RunService> {
    const service = new RunService(options);
    await service.recover();
    return service;
  }

  /**
   * `POST /v1/runs`: 201 `{run_id}` once `run_started` is durable; the loop runs on. A chosen
   * `scope.run_id` that exists, or is being created on this node, is 409.
   */
  async create(principal: Principal, body: unknown): Promise<Result<RunCreated>> {
    if (this.closing) return fail('unavailable', 'the gateway is shutting down; start the run on another node');
    const plan = await parseRunRequest(principal, body, this.o.plugins, (p, partition) =>
      this.o.core.lensView(p, partition),
    );
    if (!plan.ok) return plan;
    if (this.live.size >= this.maxLive) {
      return fail('rate_limited', `${this.live.size} runs are live on this node; retry later`);
    }
    const partition = partitionId(plan.value.scope);
    const runId = plan.value.scope.run_id ?? fastUlid();
    // A chosen id is claimed until the run is registered: the same id sent again meanwhile is 409.
    const claim = runKey(partition, runId);
    if (this.claimed.has(claim)) {
      return fail('conflict', `run '${runId}' already exists in project '${plan.value.scope.project_id}'`, {
        run_id: runId,
      });
    }
    this.claimed.add(claim);
    try {
      return await this.start(principal, plan.value, partition, runId);
    } finally {
      this.claimed.delete(claim);
    }
  }

  /** The rest of {@link create} once the run id is claimed: checks it is new, registers and starts the run. */
  private async start(
    principal: Principal,
    plan: RunPlan,
    partition: string,
    runId: string,
  ): Promise<Result<RunCreated>> {
    const { scope, task } = plan;
    if (scope.run_id !== undefined) {
      let existing: unknown;
      try {
        existing = this.live.get(runKey(partition, runId)) ?? (await this.store.load(partition, runId));
      } catch {
        return fail('unavailable', 'the run store is unavailable; retry');
      }
      if (existing)
        return fail('conflict', `run '${runId}' already exists in project '${scope.project_id}'`, { run_id: runId });
    }
    const canvas = await this.o.core.readCanvas(principal, canvasScopeOf(scope));
    if (!canvas.ok) return canvas;
    const model = await this.o.models.acquire(this.modelName, () => {});
    if (!model.ok) return fail('unavailable', `the run model is not available: ${model.error.message}`);

    const runScope: Scope = { ...scope, run_id: runId };
    const actor = runActor(runId);
    const events = new RunEvents(this.o.core, runScope, actor, new DerivedSourceSet(), this.o.logger);
    let head: number;
    try {
      head = await this.o.core.spine.head(partition);
    } catch {
      return fail('unavailable', 'the event spine is unavailable; retry');
    }
    const record: RunRecord = {
      v: 1,
      run_id: runId,
      scope: runScope,
      actor: { id: principal.actorId, kind: principal.kind },
      roles: [...principal.roles],
      task,
      status: 'running',
      usage: { tokens: 0, time_ms: 0, tool_calls: 0, rounds: 0, reflections: 0, max_parallel_tools: 0 },
      revisions: [],
      created_at: new Date(this.now()).toISOString(),
      start_seq: head, // every event of the run comes after it; exact once `run_started` is stored
      node: this.store.nodeKey,
      lease_until: this.now() + this.leaseMs,
    };
    const execution = new RunExecution({
      runId,
      scope: runScope,
      principal,
      task,
      tools: plan.tools,
      events,
      core: this.o.core,
      plugins: this.o.plugins,
      model: model.value,
      now: this.now,
      ...(this.o.logger ? { logger: this.o.logger } : {}),
    });
    let ended!: () => void;
    const run: LiveRun = { record, execution, principal, done: new Promise((r) => (ended = r)), finishing: false };
    const key = runKey(partition, runId);
    this.live.set(key, run);
    // Registered before `run_started`: from here on, if this node dies, some node finds the run
    // (in this node's list, by its record's lease) and settles it.
    // A chosen id is this run's only if no node stored a run under it first (compare-and-set): the
    // loser answers 409 and starts nothing.
    const stored =
      (await this.store.setActive(record, true)) &&
      (scope.run_id !== undefined
        ? await this.store.create(record)
        : (await this.store.save(record))
          ? 'created'
          : 'failed');
    if (stored !== 'created') {
      this.live.delete(key);
      await this.store.setActive(record, false);
      ended();
      return stored === 'exists'
        ? fail('conflict', `run '${runId}' already exists in project '${scope.project_id}'`, { run_id: runId })
        : fail('unavailable', 'the run could not be stored; retry');
    }
    const started = await this.o.core.appendEvents(runScope, actor, [
      { type: 'run_started', payload: { run_id: runId, task } },
    ]);
    if (!started.ok) {
      // Whether or not `run_started` made it, the run ends here with its one verdict.
      const verdict: RunVerdict = {
        run_id: runId,
        kind: 'verdict',
        verdict: 'stopped',
        reason: `the run could not start: ${started.error.message}`.slice(0, 2000),
        usage: { tokens: 0, time_ms: 0 },
      };
      void this.conclude(run, verdict).finally(ended);
      return started;
    }
    const decoded = decodeCursor(started.value.cursor);
    if (decoded.ok) record.start_seq = Math.max(0, decoded.value.seq - 1);
    await this.store.save(this.snapshot(run));
    if (this.closing) execution.stop('shutdown');
    void this.execute(run).finally(ended);
    return ok({ run_id: runId });
  }

  /**
   * `GET /v1/runs/{run_id}?<scope>`: the run as this node or the spine knows it, as the caller's
   * lens may see it (the verdict's scores, texts and assertion messages only when it reads all
   * the canvas content the run read; the same rule as the run's events on the streams).
   */
  async get(principal: Principal, scope: Scope, runId: string): Promise<Result<RunInfo>> {
    const conflict = pathIdConflict('run_id', scope.run_id, runId);
    if (conflict) return conflict;
    const found = await findRecord(this.lookup, principal, scope, runId);
    if (!found.ok) return found;
    try {
      return ok(runInfoFor(await this.o.core.lensView(principal, partitionId(scope)), found.value));
    } catch {
      return fail('unavailable', 'the lens policy could not be read; retry');
    }
  }

  /**
   * What `GET /v1/runs/{run_id}/events` opens: the run's event scope and the partition seq a
   * fresh stream replays after (right before `run_started`).
   */
  async streamTarget(
    principal: Principal,
    scope: Scope,
    runId: string,
  ): Promise<Result<{ scope: Scope; runStartSeq: number }>> {
    const conflict = pathIdConflict('run_id', scope.run_id, runId);
    if (conflict) return conflict;
    const found = await findRecord(this.lookup, principal, scope, runId);
    return found.ok ? ok({ scope: found.value.scope, runStartSeq: found.value.start_seq }) : found;
  }

  /** Live runs on this node. */
  stats(): { live: number } {
    return { live: this.live.size };
  }

  /** Stops live runs (each ends `stopped`, reason `interrupted`, durably), then the store. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    if (this.sweeper) clearInterval(this.sweeper);
    for (const run of this.live.values()) run.execution.stop('shutdown');
    await Promise.all([...this.live.values()].map((run) => run.done));
    await this.sweeping;
    await this.store.drain();
  }

  /** A live run's record with its usage so far and what it has read. */
  private snapshot(run: LiveRun): RunRecord {
    if (run.record.status !== 'running') return run.record;
    return {
      ...run.record,
      usage: run.execution.usage(),
      revisions: [...run.execution.revisions],
      derived_from: run.execution.sources.current,
    };
  }

  /** Runs the loop, then appends the verdict (durable first) and stores the final record. */
  private async execute(run: LiveRun): Promise<void> {
    await this.conclude(run, await run.execution.run());
  }

  /**
   * Appends the run's verdict (exactly once in the log: if another node settled the run first,
   * its verdict stands), then stores the final record and takes the run off this node.
   */
  private async conclude(run: LiveRun, verdict: RunVerdict): Promise<void> {
    run.finishing = true;
    const { record } = run;
    const standing: StandingVerdict = await appendVerdict(
      this.o.core,
      { runId: record.run_id, scope: record.scope, principal: run.principal },
      verdict,
      run.execution.sources.current,
      this.o.logger,
    );
    const final = finalRecord(this.snapshot(run), standing, new Date(this.now()).toISOString());
    run.record = final;
    await this.store.save(final);
    this.live.delete(runKey(`${final.scope.tenant_id}/${final.scope.project_id}`, final.run_id));
    await this.store.setActive(final, false);
  }

  /**
   * Renews the lease of every live run (its record, with the usage so far). A run whose verdict
   * is already in the log (another node found its lease run out and settled it) is stopped: its
   * own verdict will not be appended, the settled one stands.
   */
  private renew(): void {
    for (const run of this.live.values()) {
      if (run.finishing || run.record.status !== 'running') continue;
      void this.renewOne(run);
    }
  }

  private async renewOne(run: LiveRun): Promise<void> {
    const { scope, run_id } = run.record;
    try {
      if (await verdictSettled(this.o.core, scope, run_id)) {
        run.execution.stop('shutdown');
        return;
      }
    } catch {
      // storage hiccup: renew anyway
    }
    if (run.finishing) return;
    run.record.lease_until = this.now() + this.leaseMs;
    await this.store.save(this.snapshot(run));
  }

  /** Shared spines: settles runs whose node's lease ran out (one sweep at a time). */
  private sweep(): void {
    if (this.sweeping !== null || this.closing) return;
    this.sweeping = this.orphans.sweep().finally(() => {
      this.sweeping = null;
    });
  }

  /**
   * On start: settles the runs nodes that stopped left without a verdict (single-writer spines:
   * every run this node listed; shared spines: those whose lease ran out). Never throws.
   */
  private async recover(): Promise<void> {
    await this.orphans.sweep();
    if (this.o.core.spine.writers === 'single') await this.store.writeActive();
  }
}
