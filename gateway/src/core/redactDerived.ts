import { DERIVED_FROM, type DerivedSources, mayReadSources, parseDerivedSources } from './DerivedSources.ts';
import type { LensView } from './lens/LensView.ts';

/** What stands in for a required text field whose content a viewer may not see. */
export const HIDDEN_TEXT = 'hidden by your lens: derived from canvas content you may not read';

type Payload = Record<string, unknown>;
/** Keeps a structural field when its value has the expected shape (else the field is dropped). */
type Check = (value: unknown) => boolean;

const id: Check = (v) => typeof v === 'string' && v.length <= 256;
const int: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v);
const ids: Check = (v) => Array.isArray(v) && v.length <= 64 && v.every(id);
const timings: Check = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.entries(v).every(([k, n]) => id(k) && num(n));

/** Copies the fields of `payload` named in `keep` whose values pass their check. */
function pick(payload: Payload, keep: Readonly<Record<string, Check>>): Payload {
  const out: Payload = {};
  for (const [key, check] of Object.entries(keep)) {
    if (Object.hasOwn(payload, key) && check(payload[key])) out[key] = payload[key];
  }
  return out;
}

const JOB_ID = { job_id: id };
const STAGE = { ...JOB_ID, plugin: id, tool: id, frame: int };
const JOB_STATUS = oneOf('queued', 'running', 'succeeded', 'failed', 'cancelled');
const DEVICE = oneOf('cpu', 'gpu');

function jobResponse(p: Payload): Payload {
  const out = pick(p, {
    ...JOB_ID,
    status: JOB_STATUS,
    device_requested: DEVICE,
    device_used: (v) => v === null || DEVICE(v),
    fallback: bool,
    frames: int,
    progress: num,
    plugin_timings: timings,
    pipeline: ids,
    frames_total: int,
    fps: num,
    created_at: id,
    started_at: id,
    finished_at: id,
    canvas_id: id,
  });
  const error = p.error as Payload | null | undefined;
  if (error !== null && typeof error === 'object') {
    out.error = { kind: id(error.kind) && error.kind !== '' ? error.kind : 'failed', message: HIDDEN_TEXT };
  }
  return out;
}

function runEvent(p: Payload): Payload | null {
  switch (p.kind) {
    case 'tool':
      return pick(p, {
        run_id: id,
        step: int,
        kind: id,
        call_id: id,
        tool: id,
        phase: oneOf('call', 'result'),
        ok: bool,
        ms: num,
        scorer: id,
      });
    case 'verdict': {
      const out = pick(p, {
        run_id: id,
        step: int,
        kind: id,
        verdict: oneOf('pass', 'fail', 'stopped', 'refused'),
        budget_exceeded: oneOf('tokens', 'time_ms', 'width', 'reflection'),
        revision: int,
      });
      const usage = p.usage as Payload | null | undefined;
      if (usage !== null && typeof usage === 'object') out.usage = pick(usage, { tokens: int, time_ms: int });
      if (Array.isArray(p.assertions)) {
        out.assertions = p.assertions
          .slice(0, 200)
          .filter((a): a is Payload => a !== null && typeof a === 'object' && id(a.id) && bool(a.ok))
          .map((a) => ({ id: a.id, ok: a.ok }));
      }
      return out;
    }
    default:
      return null; // `token`, `thought`: nothing but derived text; hidden
  }
}

/**
 * What remains of a derived payload for a viewer who may not read its sources: only structural
 * fields (ids, names, phases, indexes, statuses, progress, timings, budget usage), each kept only
 * when it has its expected shape; every value a plugin or model computed (`output`, `input`,
 * `result`, partial `payload`, scores, plugin and model text, thumbnail sizes) is dropped and
 * required texts are replaced by {@link HIDDEN_TEXT}. Null: the event is hidden (model
 * `token`/`thought` text, types without a rule). Pure; never throws.
 */
export function redactDerivedPayload(type: string, p: Payload): Payload | null {
  switch (type) {
    case 'progress':
      return pick(p, { ...STAGE, frames_total: int, percent: num });
    case 'frame':
      return pick(p, { ...JOB_ID, index: int });
    case 'partial_result':
      return { ...pick(p, STAGE), payload: {} };
    case 'warning':
      return { ...pick(p, { ...JOB_ID, plugin: id }), message: HIDDEN_TEXT };
    case 'error':
      return {
        ...pick(p, { ...JOB_ID, plugin: id }),
        kind: id(p.kind) && p.kind !== '' ? p.kind : 'failed',
        message: HIDDEN_TEXT,
      };
    case 'job_completed':
      return jobResponse(p);
    case 'run_event':
      return runEvent(p);
    default:
      return null;
  }
}

/** Event types whose data is derived from canvas content (contract §4 jobs/plugins and runs). */
export const DERIVED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'progress',
  'frame',
  'partial_result',
  'warning',
  'error',
  'job_completed',
  'run_event',
]);

/**
 * A derived payload as `view` may see it (the rule of `projectEvent`, for HTTP answers such as
 * `GET /v1/jobs/{id}`): unchanged when the viewer reads every source, else redacted, with
 * `redacted: true` when that removed or replaced anything; null when hidden. The internal stamp
 * is never in the result. `sources` undefined: read from the payload's stamp (absent = unknown
 * provenance).
 */
export function projectDerivedPayload(
  view: LensView,
  type: string,
  payload: Payload,
  sources?: DerivedSources | null,
): Payload | null {
  const { [DERIVED_FROM]: stamp, ...rest } = payload;
  const from = sources !== undefined ? sources : parseDerivedSources(stamp);
  if (mayReadSources(view, from)) return rest;
  const redacted = redactDerivedPayload(type, rest);
  if (redacted === null) return null;
  return sameFields(redacted, rest) ? rest : { ...redacted, redacted: true };
}

/** Does `kept` hold exactly the fields of `all`, the same values? */
function sameFields(kept: Payload, all: Payload): boolean {
  const keys = Object.keys(all);
  return Object.keys(kept).length === keys.length && keys.every((k) => Object.hasOwn(kept, k) && kept[k] === all[k]);
}
