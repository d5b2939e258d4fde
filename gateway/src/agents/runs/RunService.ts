import {
  type Actor,
  decodeCursor,
  entityIdSchema,
  partitionId,
  type RunCreated,
  type RunInfo,
  type Scope,
} from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../../core/auth/Principal.ts';
import { fail, ok, type Result } from '../../core/errors/GatewayError.ts';
import { fastUlid } from '../../core/ids/fastUlid.ts';
import type { PluginHost } from '../../plugins/index.ts';
import type { ModelPool } from '../models/ModelPool.ts';
import { parseRunRequest, type RunPlan } from './parseRunRequest.ts';
import type { RunCore } from './RunCore.ts';
import { RunEvents } from './RunEvents.ts';
import { canvasScopeOf, RunExecution, type RunVerdict } from './RunExecution.ts';
import { type RunRecord, runInfo, runKey, statusOf } from './RunRecord.ts';
import { RunStore } from './RunStore.ts';

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
}

interface LiveRun {
  record: RunRecord;
  readonly execution: RunExecution;
  done: Promise<void> | null;
}

/** The actor a run's events and commits carry. */
export function runActor(runId: string): Actor {
  return { id: `run:${runId}`, kind: 'agent' };
}

/**
 * Runs (contract §10): `POST /v1/runs` validates the TaskSpec, appends the durable `run_started`
 * (the run's first event: every event of the run carries `scope.run_id`) and starts the agent
 * loop ({@link RunExecution}) with the pool's model; the loop ends with one durable `verdict`.
 * A run's record lives in the spine, so `GET /v1/runs/{id}` answers after the run and after a
 * restart. Runs a stopped gateway left without a verdict get `verdict: stopped`, reason
 * `interrupted`, when it starts again (single-writer spines; see WIRE-NOTES for shared ones).
 */
export class RunService {
  private readonly live = new Map<string, LiveRun>();
  private closing = false;
  private readonly maxLive: number;
  private readonly modelName: string;
  private readonly now: () => number;
  readonly store: RunStore;

  private constructor(private readonly o: RunServiceOptions) {
    this.maxLive = Math.max(1, o.maxLive ?? 16);
    this.modelName = o.model ?? 'local';
    this.now = o.now ?? Date.now;
    const node = o.core.spine.writers === 'single' ? 'local' : `n${fastUlid().toLowerCase()}`;
    this.store = new RunStore(o.core.spine, node, o.logger);
  }

  /** Opens the service and settles the runs a stopped gateway left without a verdict. */
  static async open(options: RunServiceOptions): Promise<RunService> {
    const service = new RunService(options);
    await service.recover();
    return service;
  }

  /** `POST /v1/runs`: 201 `{run_id}` once `run_started` is durable; the loop runs on. */
  async create(principal: Principal, body: unknown): Promise<Result<RunCreated>> {
    if (this.closing) return fail('unavailable', 'the gateway is shutting down; start the run on another node');
    const plan = await parseRunRequest(principal, body, this.o.plugins, (p, partition) =>
      this.o.core.lensView(p, partition),
    );
    if (!plan.ok) return plan;
    if (this.live.size >= this.maxLive) {
      return fail('rate_limited', `${this.live.size} runs are live on this node; retry later`);
    }
    const { scope, task } = plan.value;
    const partition = partitionId(scope);
    const runId = scope.run_id ?? fastUlid();
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
    const events = new RunEvents(this.o.core, runScope, actor, this.o.logger);
    const started = await this.o.core.appendEvents(runScope, actor, [
      { type: 'run_started', payload: { run_id: runId, task } },
    ]);
    if (!started.ok) return started;
    const decoded = decodeCursor(started.value.cursor);
    const startSeq = decoded.ok ? Math.max(0, decoded.value.seq - 1) : 0;
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
      start_seq: startSeq,
      node: this.store.nodeKey,
    };
    const execution = new RunExecution({
      runId,
      scope: runScope,
      principal,
      task,
      tools: plan.value.tools,
      events,
      core: this.o.core,
      plugins: this.o.plugins,
      model: model.value,
      now: this.now,
      ...(this.o.logger ? { logger: this.o.logger } : {}),
    });
    const run: LiveRun = { record, execution, done: null };
    this.live.set(runKey(partition, runId), run);
    await Promise.all([this.store.save(record), this.store.setActive(record, true)]);
    run.done = this.execute(run, plan.value, events);
    return ok({ run_id: runId });
  }

  /** `GET /v1/runs/{run_id}?<scope>`: the run as this node or the spine knows it. */
  async get(principal: Principal, scope: Scope, runId: string): Promise<Result<RunInfo>> {
    const found = await this.find(principal, scope, runId);
    return found.ok ? ok(runInfo(found.value)) : found;
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
    const found = await this.find(principal, scope, runId);
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
    for (const run of this.live.values()) run.execution.stop('shutdown');
    await Promise.all([...this.live.values()].map((run) => run.done));
    await this.store.drain();
  }

  private async find(principal: Principal, scope: Scope, runId: string): Promise<Result<RunRecord>> {
    if (scope.tenant_id !== principal.tenantId) {
      return fail('tenant_mismatch', `scope tenant_id '${scope.tenant_id}' is not the token's tenant`);
    }
    if (!entityIdSchema.safeParse(runId).success) {
      return fail('validation_failed', 'run_id: must be a slug or a ULID', {
        issues: [{ path: 'run_id', message: 'must be a slug or a ULID' }],
      });
    }
    const partition = partitionId(scope);
    const live = this.live.get(runKey(partition, runId));
    if (live) return ok(this.snapshot(live));
    let stored: RunRecord | null | 'corrupt';
    try {
      stored = await this.store.load(partition, runId);
    } catch {
      return fail('unavailable', 'the run store is unavailable; retry');
    }
    if (stored === 'corrupt') return fail('unavailable', `the stored record of run '${runId}' cannot be read`);
    if (stored === null) return fail('not_found', `no run '${runId}' in project '${scope.project_id}'`);
    const again = this.live.get(runKey(partition, runId));
    return ok(again ? this.snapshot(again) : stored);
  }

  /** A live run's record with its usage so far. */
  private snapshot(run: LiveRun): RunRecord {
    if (run.record.status !== 'running') return run.record;
    return { ...run.record, usage: run.execution.usage(), revisions: [...run.execution.revisions] };
  }

  /** Runs the loop, then appends the verdict (durable first) and stores the final record. */
  private async execute(run: LiveRun, _plan: RunPlan, events: RunEvents): Promise<void> {
    const verdict: RunVerdict = await run.execution.run();
    await events.durable(verdict);
    await this.finish(run, verdict);
  }

  private async finish(run: LiveRun, verdict: RunVerdict): Promise<void> {
    const final: RunRecord = {
      ...run.record,
      status: statusOf(verdict.verdict),
      usage: run.execution.usage(),
      verdict,
      revisions: [...run.execution.revisions],
      finished_at: new Date(this.now()).toISOString(),
    };
    run.record = final;
    await this.store.save(final);
    this.live.delete(runKey(`${final.scope.tenant_id}/${final.scope.project_id}`, final.run_id));
    await this.store.setActive(final, false);
  }

  /**
   * Settles the runs this node listed as live when it stopped (kill -9, crash): each gets the
   * durable `verdict: stopped`, reason `interrupted`, and its record says so. Never throws.
   */
  private async recover(): Promise<void> {
    try {
      for (const key of await this.store.listed(this.store.nodeKey)) {
        const record = await this.store.loadKey(key);
        if (record?.status !== 'running') continue;
        const verdict: RunVerdict = {
          run_id: record.run_id,
          kind: 'verdict',
          verdict: 'stopped',
          reason: 'interrupted',
          usage: { tokens: record.usage.tokens, time_ms: record.usage.time_ms },
        };
        const events = new RunEvents(this.o.core, record.scope, runActor(record.run_id), this.o.logger);
        await events.durable(verdict);
        await this.store.save({
          ...record,
          status: 'stopped',
          verdict,
          finished_at: new Date(this.now()).toISOString(),
        });
        this.o.logger?.warn({ run: record.run_id }, 'run interrupted by a gateway stop; marked stopped');
      }
      await this.store.writeActive();
    } catch (err) {
      this.o.logger?.warn({ err }, 'settling interrupted runs failed');
    }
  }
}
