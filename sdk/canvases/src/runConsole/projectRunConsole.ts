import type { JsonValue } from '@easel/schemas';
import { compareStrings, isRecord, readBoolean, readString } from '../lib/readJson.ts';

/** Most runs listed (newest first). */
export const MAX_LISTED_RUNS = 200;

/** One recorded run of the `runs` map. */
export interface RunRecord {
  id: string;
  goal: string;
  status: string;
  verdict: string | null;
  startedAt: string | null;
}

/** The typed projection of a `run-console` canvas. */
export interface RunConsoleProjection {
  title: string;
  /** Newest first (by `started_at`, then id descending). */
  runs: RunRecord[];
  /** The run the console follows: the `console.run_id` token, else the newest run, else null. */
  selectedRunId: string | null;
  showThoughts: boolean;
}

/** Reads one `runs` entry; a bare string reads as the goal. */
export function readRun(id: string, value: unknown): RunRecord | null {
  if (typeof value === 'string') return { id, goal: value, status: 'unknown', verdict: null, startedAt: null };
  if (!isRecord(value)) return null;
  return {
    id,
    goal: readString(value.goal) ?? '',
    status: readString(value.status) ?? 'unknown',
    verdict: readString(value.verdict) ?? null,
    startedAt: readString(value.started_at) ?? null,
  };
}

/** The run-console projection. Never throws. */
export function projectRunConsole(
  state: Record<string, JsonValue>,
  tokens: Record<string, JsonValue>,
): RunConsoleProjection {
  const stored = isRecord(state.runs) ? state.runs : {};
  const runs: RunRecord[] = [];
  for (const [id, value] of Object.entries(stored)) {
    const run = readRun(id, value);
    if (run !== null) runs.push(run);
  }
  runs.sort((a, b) => compareStrings(b.startedAt ?? '', a.startedAt ?? '') || compareStrings(b.id, a.id));
  if (runs.length > MAX_LISTED_RUNS) runs.length = MAX_LISTED_RUNS;
  const chosen = readString(tokens['console.run_id']) ?? '';
  return {
    title: readString(tokens['plan.title']) ?? '',
    runs,
    selectedRunId: chosen !== '' ? chosen : (runs[0]?.id ?? null),
    showThoughts: readBoolean(tokens['console.show_thoughts']) ?? true,
  };
}
