import type { JsonValue, RunEvent } from '@easel/schemas';

/** Longest streamed output kept per step (characters). */
export const MAX_OUTPUT_CHARS = 64_000;

/** Most entries kept (oldest dropped first). */
export const MAX_RUN_ENTRIES = 1000;

/** Streamed model tokens of one step, joined. */
export interface OutputEntry {
  kind: 'output';
  key: string;
  step: number | null;
  text: string;
}

export interface ThoughtEntry {
  kind: 'thought';
  key: string;
  step: number | null;
  text: string;
}

/** A tool call and (once it came) its result, paired by `call_id`. */
export interface ToolEntry {
  kind: 'tool';
  key: string;
  callId: string;
  tool: string;
  step: number | null;
  input: JsonValue | null;
  /** null while the call is running. */
  result: { ok: boolean; output: JsonValue | null; error: string | null; ms: number | null } | null;
}

export type RunEntry = OutputEntry | ThoughtEntry | ToolEntry;

type VerdictEvent = Extract<RunEvent, { kind: 'verdict' }>;

/** A run folded for display: entries in arrival order (consecutive tokens of a step merged) and its verdict. */
export interface RunSummary {
  entries: RunEntry[];
  verdict: VerdictEvent | null;
  toolCalls: number;
  toolFailures: number;
  /** Entries dropped to stay within {@link MAX_RUN_ENTRIES}. */
  dropped: number;
}

/**
 * Folds run events (contract §10) for the console. Pure; tolerant of repeats and odd orders: a
 * result without its call gets an entry of its own; a repeated result replaces the earlier one; the
 * last verdict wins.
 */
export function summarizeRun(events: readonly RunEvent[]): RunSummary {
  const entries: RunEntry[] = [];
  const tools = new Map<string, ToolEntry>();
  let verdict: VerdictEvent | null = null;
  let toolFailures = 0;
  events.forEach((event, i) => {
    const step = event.step ?? null;
    if (event.kind === 'token') {
      const last = entries[entries.length - 1];
      if (last !== undefined && last.kind === 'output' && last.step === step) {
        if (last.text.length < MAX_OUTPUT_CHARS) last.text = (last.text + event.text).slice(0, MAX_OUTPUT_CHARS);
      } else {
        entries.push({ kind: 'output', key: `o${i}`, step, text: event.text.slice(0, MAX_OUTPUT_CHARS) });
      }
    } else if (event.kind === 'thought') {
      entries.push({ kind: 'thought', key: `t${i}`, step, text: event.text });
    } else if (event.kind === 'tool') {
      let entry = tools.get(event.call_id);
      if (entry === undefined) {
        entry = {
          kind: 'tool',
          key: `c${i}`,
          callId: event.call_id,
          tool: event.tool,
          step,
          input: null,
          result: null,
        };
        tools.set(event.call_id, entry);
        entries.push(entry);
      }
      if (event.phase === 'call') {
        entry.input = event.input ?? null;
      } else {
        if (entry.result !== null && !entry.result.ok) toolFailures--;
        const ok = event.ok ?? event.error === undefined;
        entry.result = { ok, output: event.output ?? null, error: event.error ?? null, ms: event.ms ?? null };
        if (!ok) toolFailures++;
      }
    } else if (event.kind === 'verdict') {
      verdict = event;
    }
  });
  const dropped = Math.max(0, entries.length - MAX_RUN_ENTRIES);
  return {
    entries: dropped > 0 ? entries.slice(dropped) : entries,
    verdict,
    toolCalls: tools.size,
    toolFailures,
    dropped,
  };
}

/** A JSON value as short text (for tool inputs and outputs). */
export function previewJson(value: JsonValue | null, max = 400): string {
  if (value === null) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
