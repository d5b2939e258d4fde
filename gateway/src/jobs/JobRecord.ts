import {
  type Actor,
  actorSchema,
  type Device,
  deviceSchema,
  type ExtendedJobResponse,
  JOB_STATUSES,
  jsonValueSchema,
  type Scope,
  scopeSchema,
} from '@easel/schemas';
import { z } from 'zod';
import { type DerivedSources, derivedSourcesSchema } from '../core/DerivedSources.ts';
import type { DeviceChoice } from './resolveDevice.ts';

/** Spine record kind of a job (`key` = `<tenant>/<project>/<job_id>`). */
export const JOB_RECORD_KIND = 'job';

/** Statuses after which a job never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * A job as stored in the spine (`kind 'job'`), version 1. Written when the job is accepted, on
 * every status change, at most every `persistEveryMs` in between, and at the end, so any node
 * (and this one after a restart) answers `GET /v1/jobs/{id}`. `node` and `lease_until` say who
 * runs it and until when that node promised to refresh it: a queued or running job whose lease
 * ran out belongs to a node that died (see `JobService`).
 */
export const jobRecordSchema = z.object({
  v: z.literal(1),
  job_id: z.string().min(1).max(64),
  /** Event scope: the request's scope with the job's canvas and `job_id`. */
  scope: scopeSchema,
  actor: actorSchema,
  pipeline: z.array(z.string()).max(32),
  status: z.enum(JOB_STATUSES),
  device_requested: deviceSchema,
  device_used: deviceSchema.nullable(),
  fallback: z.boolean(),
  fps: z.number().positive().optional(),
  frames: z.int().min(0),
  frames_total: z.int().min(0),
  progress: z.number().min(0).max(100),
  plugin_timings: z.record(z.string(), z.number().min(0)),
  warnings: z.array(z.string().max(2000)).max(100),
  result: jsonValueSchema.optional(),
  error: z.object({ kind: z.string().min(1).max(64), message: z.string().max(2000) }).optional(),
  created_at: z.string(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
  updated_at: z.string(),
  node: z.string(),
  lease_until: z.number(),
  /**
   * What the job's frames carried (roots and tokens of canvas frames, media for image frames):
   * its outputs are shown only to viewers who read all of it. Absent (older records): derived
   * from everything.
   */
  derived_from: derivedSourcesSchema.optional(),
});

export type JobRecord = z.infer<typeof jobRecordSchema>;

/** What a new job's record is made of. */
export interface NewJob {
  readonly jobId: string;
  readonly scope: Scope;
  readonly actor: Actor;
  readonly pipeline: readonly string[];
  readonly deviceRequested: Device;
  readonly device: DeviceChoice;
  readonly fps?: number;
  readonly framesTotal: number;
  readonly node: string;
  readonly leaseUntil: number;
  readonly sources: DerivedSources;
}

/** The record of a job just accepted (`queued`); the device fallback warning comes first. */
export function newJobRecord(job: NewJob): JobRecord {
  const now = new Date().toISOString();
  return {
    v: 1,
    job_id: job.jobId,
    scope: job.scope,
    actor: job.actor,
    pipeline: [...job.pipeline],
    status: 'queued',
    device_requested: job.deviceRequested,
    device_used: job.device.device_used,
    fallback: job.device.fallback,
    ...(job.fps !== undefined ? { fps: job.fps } : {}),
    frames: 0,
    frames_total: job.framesTotal,
    progress: 0,
    plugin_timings: {},
    warnings: job.device.warning ? [job.device.warning] : [],
    created_at: now,
    updated_at: now,
    node: job.node,
    lease_until: job.leaseUntil,
    derived_from: job.sources,
  };
}

/** The spine key of a job. */
export function jobKey(partition: string, jobId: string): string {
  return `${partition}/${jobId}`;
}

/** Parses a stored record; null when it is not a job record this version understands. */
export function parseJobRecord(text: string): JobRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = jobRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The public view (`ExtendedJobResponse`, contract §9) of a job record. */
export function jobResponse(record: JobRecord): ExtendedJobResponse {
  const out: ExtendedJobResponse = {
    job_id: record.job_id,
    status: record.status,
    device_requested: record.device_requested,
    device_used: record.device_used,
    fallback: record.fallback,
    frames: record.frames,
    progress: round(record.progress),
    plugin_timings: Object.fromEntries(Object.entries(record.plugin_timings).map(([k, v]) => [k, round(v)])),
    warnings: [...record.warnings],
    pipeline: [...record.pipeline],
    frames_total: record.frames_total,
    ...(record.fps !== undefined ? { fps: record.fps } : {}),
    created_at: record.created_at,
    ...(record.started_at !== undefined ? { started_at: record.started_at } : {}),
    ...(record.finished_at !== undefined ? { finished_at: record.finished_at } : {}),
    ...(record.scope.canvas_id !== undefined ? { canvas_id: record.scope.canvas_id } : {}),
    ...(record.result !== undefined ? { result: record.result } : {}),
    ...(record.error !== undefined ? { error: { ...record.error } } : {}),
  };
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
