import {
  actorSchema,
  type RunInfo,
  runStatusSchema,
  runUsageSchema,
  runVerdictEventSchema,
  scopeSchema,
  taskSpecSchema,
} from '@easel/schemas';
import { z } from 'zod';

/** Spine record kind of a run (`key` = `<tenant>/<project>/<run_id>`). */
export const RUN_RECORD_KIND = 'run';

/**
 * A run as stored in the spine (kind `run`), version 1: written when the run is accepted (status
 * `running`), once its `run_started` is durable (`start_seq`), and when it ends (verdict, usage,
 * revisions). `GET /v1/runs/{id}` answers from it when the run is not live on this node; a
 * `running` record whose node stopped is settled `stopped` / `interrupted` (see `RunRecovery`).
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
  node: z.string(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;

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

/** The status a verdict ends a run with. */
export function statusOf(verdict: 'pass' | 'fail' | 'stopped' | 'refused'): RunRecord['status'] {
  return verdict === 'pass' ? 'passed' : verdict === 'fail' ? 'failed' : verdict;
}
