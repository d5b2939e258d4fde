import { type Actor, type ExtendedJobResponse, type JsonValue, partitionId, type Scope } from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, ok, type Result } from '../core/errors/GatewayError.ts';
import { DerivedSourceSet } from '../core/DerivedSources.ts';
import type { CanvasStateWithTitle } from '../core/GatewayCore.ts';
import { fastUlid } from '../core/ids/fastUlid.ts';
import { findRecord, type RecordLookup } from '../core/records/findRecord.ts';
import type { EventSpine } from '../core/spine/EventSpine.ts';
import { detectGpu, type GpuProbe, type PluginHost, type PluginStateChange } from '../plugins/index.ts';
import { announceFinal, type DurableSink } from './announceFinal.ts';
import { interrupted } from './interrupted.ts';
import type { JobFrame } from './jobInputSchema.ts';
import { type JobRecord, jobKey, jobResponse, newJobRecord, TERMINAL_STATUSES } from './JobRecord.ts';
import { JobOrphans } from './JobOrphans.ts';
import { JobStore } from './JobStore.ts';
import { JobTelemetry, type TelemetrySink } from './JobTelemetry.ts';
import { type LensSource, mayRunPlugins } from './mayRunPlugins.ts';
import { pathIdConflict } from './pathIdConflict.ts';
import { projectJobResponse } from './projectJobResponse.ts';
import { type JobPlan, parseJobRequest } from './parseJobRequest.ts';
import { resolveDevice } from './resolveDevice.ts';
import { type PipelineOutcome, runPipeline } from './runPipeline.ts';
import { jsonBytes, sanitizeForEvent } from './sanitizeForEvent.ts';
import { type ImageSidecarStore, storeImageOutputs } from './storeImageOutputs.ts';

/** What the job service needs of `GatewayCore` (it satisfies this as is). */
export interface JobCore extends TelemetrySink, LensSource, DurableSink {
  readonly spine: Pick<EventSpine, 'getRecord' | 'putRecord' | 'putRecordIf' | 'listRecords' | 'writers'>;
  readCanvas(p: Principal, scope: Scope): Promise<Result<CanvasStateWithTitle>>;
}

/** Options of {@link JobService.open}. */
export interface JobServiceOptions {
  readonly core: JobCore;
  readonly plugins: PluginHost;
  /** Plugin state changes (`SandboxPluginHost.subscribe`), forwarded as `plugin_status` to jobs using the plugin. */
  readonly pluginChanges?: (listener: (change: PluginStateChange) => void) => () => void;
  readonly logger?: pino.Logger;
  /** The GPU probe for `device_requested: gpu`. Default {@link detectGpu}. */
  readonly gpu?: GpuProbe;
  /** Jobs running at once on this node; the others wait `queued`. Default 2. */
  readonly maxRunning?: number;
  /** Jobs waiting at most; beyond, `POST /v1/jobs` is 429 `rate_limited`. Default 64. */
  readonly maxQueued?: number;
  /** Smallest gap between two `progress` events of a job, ms. Default 66 (≈ 15 Hz). */
  readonly progressIntervalMs?: number;
  /** Smallest gap between two writes of a running job's record, ms. Default 1000. */
  readonly persistEveryMs?: number;
  /** How long a node's claim on a queued or running job lasts without a refresh, ms. Default 30 000. */
  readonly leaseMs?: number;
  /**
   * Where a succeeded job's images go (`SidecarService`): each frame output's `png_base64`,
   * `jpeg_base64` or `webp_base64` becomes a sidecar of the job's scope owned by the job's
   * principal, and `<format>_sidecar: {artifact_id, mime, size, sha256}` in the result (see
   * `storeImageOutputs`). Absent: images are omitted from the result, as any `*_base64`.
   */
  readonly sidecars?: ImageSidecarStore;
}

interface LiveJob {
  /** Mutated while the job runs; replaced by the final record once that is stored and announced. */
  record: JobRecord;
  finishing: boolean;
  readonly plan: JobPlan;
  readonly principal: Principal;
  readonly key: string;
  readonly telemetry: JobTelemetry;
  readonly controller: AbortController;
  /** Frames not yet handed to the pipeline (index → frame); canvas snapshots are taken when due. */
  readonly frames: Map<number, JobFrame>;
  /** What the job's frames carried so far (stamped on its derived events and record). */
  readonly sources: DerivedSourceSet;
  readonly deviceWarning: string | null;
  done: Promise<void> | null;
}

/** Largest result kept in a job's record (bytes of JSON); larger ones are dropped with a warning. */
const MAX_RESULT_BYTES = 512 * 1024;

/**
 * Jobs (contract §9): `POST /v1/jobs` runs a pipeline of plugins over frames, at most
 * `maxRunning` at once per node (the rest queued, FIFO), with live telemetry on the canvas stream
 * and `/v1/realtime`, and a durable `job_completed` (plus a durable `error` on failure) at the end.
 * A job's record lives in the spine, so `GET /v1/jobs/{id}` answers on every node and after a
 * restart. A job whose node died reads `failed` with kind `interrupted`: on a single-writer spine
 * (SQLite) every job left queued or running is settled when the node starts again; on a shared
 * spine a job is settled by the first node that reads it, or starts, after its lease ran out.
 */
export class JobService {
  private readonly jobs = new Map<string, LiveJob>();
  /** Jobs being accepted (by partition and id), before they are in {@link jobs}. */
  private readonly claimed = new Set<string>();
  private readonly queue: LiveJob[] = [];
  private running = 0;
  private closing = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly offChanges: () => void;
  private readonly gpu: GpuProbe;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  private readonly leaseMs: number;
  private readonly nodeId: string;
  readonly store: JobStore;
  private readonly orphans: JobOrphans;
  /** Reads a job: live on this node, else stored (an orphan left queued or running settled). */
  private readonly lookup: RecordLookup<JobRecord> = {
    noun: 'job',
    live: (partition, jobId) => this.jobs.get(jobKey(partition, jobId))?.record,
    load: (partition, jobId) => this.store.load(partition, jobId),
    current: async (stored) => {
      if (!TERMINAL_STATUSES.has(stored.status) && this.orphans.isOrphan(stored)) await this.orphans.settle(stored);
      return stored;
    },
  };

  private constructor(private readonly o: JobServiceOptions) {
    this.gpu = o.gpu ?? detectGpu();
    this.maxRunning = Math.max(1, o.maxRunning ?? 2);
    this.maxQueued = Math.max(0, o.maxQueued ?? 64);
    this.leaseMs = Math.max(100, o.leaseMs ?? 30_000);
    // One writer (SQLite): a fixed key, so the node finds its own leftovers when it starts again.
    this.nodeId = o.core.spine.writers === 'single' ? 'local' : `n${fastUlid().toLowerCase()}`;
    this.store = new JobStore(o.core.spine, this.nodeId, o.persistEveryMs ?? 1000, o.logger);
    this.orphans = new JobOrphans(this.store, o.core, o.core.spine.writers, this.nodeId, o.logger);
    this.heartbeat = setInterval(() => this.refreshLeases(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
    this.offChanges = o.pluginChanges?.((change) => this.onPluginChange(change)) ?? (() => {});
  }

  /** Opens the service and settles jobs that nodes which stopped left queued or running. */
  static async open(options: JobServiceOptions): Promise<JobService> {
    const service = new JobService(options);
    await service.orphans.recover();
    return service;
  }

  /** `POST /v1/jobs`: validates, accepts (202 body) and queues the job. */
  async submit(principal: Principal, body: unknown): Promise<Result<ExtendedJobResponse>> {
    if (this.closing) return fail('unavailable', 'the gateway is shutting down; submit the job to another node');
    const plan = parseJobRequest(principal, body, this.o.plugins);
    if (!plan.ok) return plan;
    const { scope } = plan.value;
    const allowed = await mayRunPlugins(this.o.core, principal, scope);
    if (!allowed.ok) return allowed;
    if (this.queue.length >= this.maxQueued && this.running >= this.maxRunning) {
      return fail('rate_limited', `${this.queue.length} jobs are already queued on this node; retry later`);
    }
    const partition = partitionId(scope);
    const jobId = plan.value.jobId ?? fastUlid();
    // A chosen id is claimed until the job is registered: the same id sent again meanwhile is 409.
    const key = jobKey(partition, jobId);
    if (this.claimed.has(key))
      return fail('conflict', `job '${jobId}' already exists in project '${scope.project_id}'`);
    this.claimed.add(key);
    try {
      return await this.accept(principal, plan.value, partition, jobId);
    } finally {
      this.claimed.delete(key);
    }
  }

  /** The rest of {@link submit} once the job id is claimed: checks it is new, registers and queues the job. */
  private async accept(
    principal: Principal,
    plan: JobPlan,
    partition: string,
    jobId: string,
  ): Promise<Result<ExtendedJobResponse>> {
    const { scope, stages } = plan;
    if (plan.jobId !== undefined) {
      const existing = this.jobs.has(jobKey(partition, jobId)) || (await this.guardedLoad(partition, jobId)) !== null;
      if (existing) return fail('conflict', `job '${jobId}' already exists in project '${scope.project_id}'`);
    }
    const frames = new Map<number, JobFrame>();
    const sources = new DerivedSourceSet();
    const canvas = plan.canvas;
    const canvasCount = canvas?.count ?? 0;
    if (canvas) {
      // The first snapshot now: a missing canvas is refused at once (404), not later.
      const first = await this.snapshot(principal, { ...scope, canvas_id: canvas.canvasId });
      if (!first.ok) return first;
      frames.set(0, first.value);
      sources.addFrame(first.value);
    }
    for (const [i, frame] of plan.frames.entries()) {
      frames.set(canvasCount + i, frame);
      sources.addFrame(frame);
    }
    const device = resolveDevice(plan.deviceRequested, this.gpu, stages);
    const eventScope: Scope = { ...scope, job_id: jobId };
    if (canvas) eventScope.canvas_id = scope.canvas_id ?? canvas.canvasId;
    const actor: Actor = { id: principal.actorId, kind: principal.kind };
    const record = newJobRecord({
      jobId,
      scope: eventScope,
      actor,
      pipeline: stages.map((s) => s.stage),
      deviceRequested: plan.deviceRequested,
      device,
      ...(plan.fps !== undefined ? { fps: plan.fps } : {}),
      framesTotal: canvasCount + plan.frames.length,
      node: this.nodeId,
      leaseUntil: Date.now() + this.leaseMs,
      sources: sources.current,
    });
    const job: LiveJob = {
      record,
      plan,
      principal,
      key: jobKey(partition, jobId),
      telemetry: new JobTelemetry({
        sink: this.o.core,
        scope: eventScope,
        actor,
        jobId,
        ...(this.o.progressIntervalMs !== undefined ? { intervalMs: this.o.progressIntervalMs } : {}),
        sources: () => sources.current,
      }),
      controller: new AbortController(),
      frames,
      sources,
      deviceWarning: device.warning,
      finishing: false,
      done: null,
    };
    if (plan.jobId !== undefined) {
      // A chosen id is this job's only if no node stored a job under it first (compare-and-set):
      // the loser answers 409 and starts nothing.
      let created: boolean;
      try {
        created = await this.store.create(record);
      } catch (err) {
        this.o.logger?.warn({ err, job: job.key }, 'storing a new job record failed');
        return fail('unavailable', 'the job store is unavailable; retry');
      }
      if (!created) return fail('conflict', `job '${jobId}' already exists in project '${scope.project_id}'`);
      this.jobs.set(job.key, job);
      await this.store.setActive(record, true);
    } else {
      this.jobs.set(job.key, job);
      await Promise.all([this.store.save(record, true), this.store.setActive(record, true)]);
    }
    if (this.closing) {
      // Shut down while the job was being stored: it ends interrupted like the other queued ones.
      job.done = this.finish(job, interrupted('shutdown'));
      await job.done;
      return ok(jobResponse(job.record));
    }
    this.queue.push(job);
    this.pump();
    return ok(jobResponse(record));
  }

  /**
   * `GET /v1/jobs/{job_id}` (scope already checked): the job as this node or the spine knows it,
   * as the caller's lens may see it (outputs only when it reads everything the frames carried).
   */
  async get(principal: Principal, scope: Scope, jobId: string): Promise<Result<ExtendedJobResponse>> {
    const conflict = pathIdConflict('job_id', scope.job_id, jobId);
    if (conflict) return conflict;
    const found = await findRecord(this.lookup, principal, scope, jobId);
    if (!found.ok) return found;
    return projectJobResponse(this.o.core, principal, scope, found.value);
  }

  /** Interrupts queued and running jobs (each ends `failed`, kind `interrupted`, durably), then stops. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    this.offChanges();
    for (const job of this.queue.splice(0)) job.done = this.finish(job, interrupted('shutdown'));
    for (const job of this.jobs.values()) job.controller.abort();
    await Promise.all([...this.jobs.values()].map((job) => job.done));
    await this.store.drain();
  }

  /** Jobs this node runs or holds queued. */
  stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  private pump(): void {
    while (!this.closing && this.running < this.maxRunning && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running += 1;
      job.done = this.run(job).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async run(job: LiveJob): Promise<void> {
    const { record, telemetry } = job;
    record.status = 'running';
    record.started_at = new Date().toISOString();
    this.touch(record);
    const persisted = this.store.save(record, true);
    telemetry.progress(0, { frames_total: record.frames_total });
    if (job.deviceWarning) telemetry.warning(job.deviceWarning);
    await persisted;
    const canvasCount = job.plan.canvas?.count ?? 0;
    const outcome = await runPipeline({
      plugins: this.o.plugins,
      stages: job.plan.stages,
      framesTotal: record.frames_total,
      ...(job.plan.fps !== undefined ? { fps: job.plan.fps } : {}),
      telemetry,
      signal: job.controller.signal,
      caller: { tenantId: job.plan.scope.tenant_id, projectId: job.plan.scope.project_id },
      abortError: () => interrupted('shutdown').error,
      frameAt: async (index) => {
        job.frames.delete(index - 2); // prior_frame needs index − 1 only
        const ready = job.frames.get(index);
        if (ready) return { ok: true, value: ready };
        if (index >= canvasCount || !job.plan.canvas) return { ok: false, kind: 'input', message: 'missing' };
        const shot = await this.snapshot(job.principal, { ...job.plan.scope, canvas_id: job.plan.canvas.canvasId });
        if (!shot.ok) return { ok: false, kind: 'canvas_unavailable', message: shot.error.message };
        job.sources.addFrame(shot.value);
        record.derived_from = job.sources.current;
        job.frames.set(index, shot.value);
        return shot;
      },
      onAdvance: (state, frameDone) => {
        record.progress = Math.min(100, Math.max(record.progress, state.percent));
        record.frames = state.frames;
        record.plugin_timings = { ...state.timings };
        this.touch(record);
        void this.store.save(record, frameDone && record.frames === record.frames_total);
      },
      onWarning: (message, plugin) => addWarning(record, `${plugin}: ${message}`),
    });
    await this.finish(job, outcome.ok ? await this.keepImages(job, outcome.outputs) : outcome);
  }

  /**
   * A succeeded job's images become sidecars (`storeImageOutputs`) when a store is configured,
   * before the result is sanitized; the job still runs meanwhile (its lease is refreshed).
   */
  private async keepImages(job: LiveJob, outputs: JsonValue[]): Promise<PipelineOutcome> {
    const store = this.o.sidecars;
    if (!store) return { ok: true, outputs };
    const kept = await storeImageOutputs(outputs, {
      store,
      principal: job.principal,
      scope: job.record.scope,
      signal: job.controller.signal,
      derivedFrom: job.sources.current,
    });
    for (const warning of kept.warnings) addWarning(job.record, warning);
    return { ok: true, outputs: kept.outputs };
  }

  /** Ends a job: final state in memory, then the record, then the durable events. */
  private async finish(job: LiveJob, outcome: PipelineOutcome): Promise<void> {
    if (job.finishing) return;
    job.finishing = true;
    // The final state goes to the spine, then the durable events; this node shows it once both
    // are done, so whoever saw `job_completed` reads the same job here.
    const final: JobRecord = structuredClone(job.record);
    final.derived_from = job.sources.current;
    if (outcome.ok) {
      final.status = 'succeeded';
      final.progress = 100;
      final.frames = final.frames_total;
      const result = sanitizeForEvent(outcome.outputs);
      const bytes = jsonBytes(result);
      if (bytes <= MAX_RESULT_BYTES) final.result = result;
      else addWarning(final, `the result (${bytes} bytes of JSON) is over ${MAX_RESULT_BYTES} and was not kept`);
    } else {
      final.status = 'failed';
      final.error = { kind: outcome.error.kind.slice(0, 64), message: outcome.error.message.slice(0, 2000) };
    }
    final.finished_at = new Date().toISOString();
    this.touch(final);
    job.frames.clear();
    const { telemetry } = job;
    if (outcome.ok) telemetry.progress(100, { frames_total: final.frames_total });
    telemetry.flush();
    telemetry.stop();
    await this.store.save(final, true);
    await announceFinal(this.o.core, final, outcome.ok ? undefined : outcome.plugin, this.o.logger);
    job.record = final;
    this.jobs.delete(job.key);
    await this.store.setActive(final, false);
    await this.store.forget(final);
  }

  private touch(record: JobRecord): void {
    record.updated_at = new Date().toISOString();
    record.lease_until = Date.now() + this.leaseMs;
  }

  private refreshLeases(): void {
    for (const job of this.jobs.values()) {
      if (job.finishing) continue;
      this.touch(job.record);
      void this.store.save(job.record, true);
    }
  }

  private onPluginChange(change: PluginStateChange): void {
    const { health } = change;
    for (const job of this.jobs.values()) {
      if (job.record.status !== 'running' || !job.plan.stages.some((s) => s.plugin === health.name)) continue;
      job.telemetry.pluginStatus(
        health.name,
        health.state,
        health.reason !== undefined ? { reason: health.reason } : {},
      );
    }
  }

  private async snapshot(p: Principal, scope: Scope): Promise<Result<JobFrame>> {
    const read = await this.o.core.readCanvas(p, scope);
    if (!read.ok) return read;
    const { canvas_id, canvas_type, revision, state, tokens } = read.value;
    return ok({ kind: 'canvas', canvas_type, canvas_id, revision, state, tokens });
  }

  private async guardedLoad(partition: string, jobId: string): Promise<JobRecord | 'corrupt' | null> {
    try {
      return await this.store.load(partition, jobId);
    } catch {
      return null;
    }
  }
}

function addWarning(record: JobRecord, message: string): void {
  if (record.warnings.length >= 100) return;
  record.warnings.push(message.slice(0, 2000));
}
