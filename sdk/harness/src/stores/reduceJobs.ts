import type { ExtendedJobResponse } from '@easel/schemas';

/** One job as the harness shows it: its last known response plus live telemetry. */
export interface JobView {
  readonly jobId: string;
  readonly status: ExtendedJobResponse['status'];
  /** 0..100 (null until the first progress). */
  readonly progress: number | null;
  readonly message: string | null;
  /** The stage reporting last. */
  readonly plugin: string | null;
  readonly pipeline: readonly string[];
  readonly deviceRequested: string | null;
  readonly deviceUsed: string | null;
  readonly fallback: boolean;
  readonly frames: number;
  readonly pluginTimings: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
  readonly error: { readonly kind: string; readonly message: string } | null;
  readonly updatedAt: string;
}

/** The event fields the reducer reads. */
export interface JobEventLike {
  readonly type: string;
  readonly timestamp?: string;
  readonly scope?: { readonly job_id?: string | undefined };
  readonly payload: Readonly<Record<string, unknown>>;
}

export const JOB_EVENT_TYPES = ['progress', 'frame', 'partial_result', 'warning', 'error', 'job_completed'] as const;

/** Most jobs kept, oldest dropped first. */
export const MAX_JOBS = 50;
const MAX_WARNINGS = 50;

function blank(jobId: string, at: string): JobView {
  return {
    jobId,
    status: 'running',
    progress: null,
    message: null,
    plugin: null,
    pipeline: [],
    deviceRequested: null,
    deviceUsed: null,
    fallback: false,
    frames: 0,
    pluginTimings: {},
    warnings: [],
    error: null,
    updatedAt: at,
  };
}

/** A job view from a `POST /v1/jobs` / `GET /v1/jobs/{id}` / `job_completed` body. */
export function jobFromResponse(response: ExtendedJobResponse, previous: JobView | null, at: string): JobView {
  const base = previous ?? blank(response.job_id, at);
  const pipeline = (response as { pipeline?: unknown }).pipeline;
  return {
    ...base,
    status: response.status,
    progress: response.progress ?? (response.status === 'succeeded' ? 100 : base.progress),
    pipeline: Array.isArray(pipeline) ? pipeline.map(String) : base.pipeline,
    deviceRequested: response.device_requested,
    deviceUsed: response.device_used,
    fallback: response.fallback,
    frames: Math.max(base.frames, response.frames),
    pluginTimings: response.plugin_timings ?? base.pluginTimings,
    warnings: response.warnings ?? base.warnings,
    error: response.error ?? base.error,
    updatedAt: at,
  };
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Folds a job event (or a response, via {@link upsertJob}) into the list. Pure; returns the same
 * array for events that concern no job. Telemetry arriving after `job_completed` never moves a
 * finished job back.
 */
export function reduceJobs(jobs: readonly JobView[], event: JobEventLike): readonly JobView[] {
  if (!(JOB_EVENT_TYPES as readonly string[]).includes(event.type)) return jobs;
  const p = event.payload as Record<string, unknown>;
  const jobId = typeof p.job_id === 'string' ? p.job_id : (event.scope?.job_id ?? null);
  if (jobId === null) return jobs;
  const at = event.timestamp ?? new Date(0).toISOString();
  const index = jobs.findIndex((j) => j.jobId === jobId);
  const existing = index >= 0 ? jobs[index]! : blank(jobId, at);
  const done = FINAL.has(existing.status);
  let next: JobView = existing;
  switch (event.type) {
    case 'progress':
      if (done) break;
      next = {
        ...existing,
        progress: Math.max(0, Math.min(100, Number(p.percent))),
        message: typeof p.message === 'string' ? p.message : existing.message,
        plugin: typeof p.plugin === 'string' ? p.plugin : existing.plugin,
      };
      break;
    case 'frame':
      next = { ...existing, frames: Math.max(existing.frames, Number(p.index) + 1) };
      break;
    case 'partial_result':
      next = { ...existing, plugin: typeof p.plugin === 'string' ? p.plugin : existing.plugin };
      break;
    case 'warning':
      next = { ...existing, warnings: [...existing.warnings, String(p.message)].slice(-MAX_WARNINGS) };
      break;
    case 'error':
      next = {
        ...existing,
        error: { kind: String(p.kind), message: String(p.message) },
        plugin: typeof p.plugin === 'string' ? p.plugin : existing.plugin,
      };
      break;
    case 'job_completed':
      next = jobFromResponse(p as unknown as ExtendedJobResponse, existing, at);
      break;
  }
  if (next === existing && index >= 0) return jobs;
  return place(jobs, index, { ...next, updatedAt: at });
}

/** Inserts or replaces a job from an HTTP response. */
export function upsertJob(jobs: readonly JobView[], response: ExtendedJobResponse, at: string): readonly JobView[] {
  const index = jobs.findIndex((j) => j.jobId === response.job_id);
  const previous = index >= 0 ? jobs[index]! : null;
  // A late 202 must not undo what the stream already reported as finished.
  if (previous && FINAL.has(previous.status) && !FINAL.has(response.status)) return jobs;
  return place(jobs, index, jobFromResponse(response, previous, at));
}

function place(jobs: readonly JobView[], index: number, job: JobView): readonly JobView[] {
  const out = index >= 0 ? jobs.map((j, i) => (i === index ? job : j)) : [...jobs, job];
  return out.length > MAX_JOBS ? out.slice(out.length - MAX_JOBS) : out;
}
