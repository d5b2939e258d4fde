import {
  type Actor,
  actorSchema,
  type RunInfo,
  runStatusSchema,
  runUsageSchema,
  runVerdictEventSchema,
  scopeSchema,
  taskSpecSchema,
} from '@easel/schemas';
import { z } from 'zod';
import { derivedSourcesSchema } from '../../core/DerivedSources.ts';
import type { LensView } from '../../core/lens/LensView.ts';
import { projectDerivedPayload } from '../../core/redactDerived.ts';

/** Spine record kind of a run (`key` = `<tenant>/<project>/<run_id>`). */
export const RUN_RECORD_KIND = 'run';

/**
 * A run as stored in the spine (kind `run`), version 1: written before its `run_started` is
 * appended (status `running`, `start_seq` at most the seq before it), again once `run_started`
 * is durable (its exact `start_seq`), every `leaseMs / 3` while it runs (live usage, a renewed
 * `lease_until`), and when it ends (verdict, usage, revisions). `GET /v1/runs/{id}` answers from
 * it when the run is not live on this node; a `running` record whose node stopped (restarted, or
 * its lease ran out) is settled `stopped` / `interrupted` (see `RunOrphans`).
 */
export const runRecordSchema = z.object({
  v: z.literal(1),
  run_id: z.string().min(1).max(64),
  /** The run's event scope: its canvas scope with `run_id`. */
  scope: scopeSchema,
  /** Who created the run (its lens decides what the run may read and change). */
  actor: actorSchema,
  roles: z.array(z.string()).max(64),
  task: taskSpecSchema,
  status: runStatusSchema,
  usage: runUsageSchema,
  verdict: runVerdictEventSchema.optional(),
  revisions: z.array(z.int().min(0)),
  created_at: z.string(),
  finished_at: z.string().optional(),
  /** The partition seq right before `run_started` (a fresh run stream replays after it). */
  start_seq: z.int().min(0),
  /** The node running it (`local` on single-writer spines). */
  node: z.string(),
  /** Until when (ms since the epoch) its node promised to renew this record; absent in older records (= expired). */
  lease_until: z.number().optional(),
  /** The canvas content the run read (its events' data is shown only to viewers who read all of it). */
  derived_from: derivedSourcesSchema.optional(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;

/** The actor a run's events and commits carry. */
export function runActor(runId: string): Actor {
  return { id: `run:${runId}`, kind: 'agent' };
}

/** The record key of a run. */
export function runKey(partition: string, runId: string): string {
  return `${partition}/${runId}`;
}

/** Parses a stored record; null when it is not one. */
export function parseRunRecord(text: string): RunRecord | null {
  try {
    const parsed = runRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** `GET /v1/runs/{run_id}` body of a record. */
export function runInfo(record: RunRecord): RunInfo {
  return {
    run_id: record.run_id,
    status: record.status,
    scope: record.scope,
    actor: record.actor,
    task: record.task,
    usage: { ...record.usage },
    ...(record.verdict ? { verdict: record.verdict } : {}),
    revisions: [...record.revisions],
    created_at: record.created_at,
    ...(record.finished_at ? { finished_at: record.finished_at } : {}),
  };
}

/**
 * The `GET /v1/runs/{run_id}` body as `view` may see it: the verdict whole when the viewer reads
 * everything the run read (`derived_from`), else only its structural fields with `redacted: true`
 * (the rule of the run's `verdict` event on the streams). The task is the creator's own text.
 */
export function runInfoFor(view: LensView, record: RunRecord): RunInfo {
  const info = runInfo(record);
  if (!info.verdict) return info;
  const shown = projectDerivedPayload(view, 'run_event', info.verdict, record.derived_from ?? null);
  const { verdict: _verdict, ...rest } = info;
  return shown === null ? rest : { ...rest, verdict: shown as RunInfo['verdict'] };
}

/** The status a verdict ends a run with. */
export function statusOf(verdict: 'pass' | 'fail' | 'stopped' | 'refused'): RunRecord['status'] {
  return verdict === 'pass' ? 'passed' : verdict === 'fail' ? 'failed' : verdict;
}
