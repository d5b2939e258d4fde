import type { RunEvent } from '@easel/schemas';
import { useId, useMemo } from 'react';
import { previewJson, type RunEntry, summarizeRun } from './summarizeRun.ts';

/** Where the run's stream is (the harness's `RunStreamStatus`). */
export type RunFeedStatus = 'idle' | 'connecting' | 'live' | 'ended' | 'error';

/** A run's events as the harness's `useRunStream(runId)` returns them (structurally its `RunStreamView`). */
export interface RunFeed {
  readonly runId: string | null;
  readonly events: readonly RunEvent[];
  readonly status: RunFeedStatus;
  readonly error?: string | null;
}

/** One agent turn (a subset of the harness's `TurnView`, so `useTurns().turns` can be passed as is). */
export interface RunConsoleTurn {
  readonly turnId: string;
  readonly prompt: string | null;
  readonly status: string;
  readonly output: string;
  readonly commit:
    | { readonly ok: true; readonly revision: number }
    | { readonly ok: false; readonly code: string; readonly message: string }
    | null;
  readonly cancelReason?: string | null;
}

export interface RunConsoleProps {
  /** The run to show (null: no run selected). */
  run: RunFeed | null;
  /** Agent turns on the canvas, oldest first (optional). */
  turns?: readonly RunConsoleTurn[];
  /** Show reasoning notes (`thought` events). Default true. */
  showThoughts?: boolean;
}

/**
 * A verdict as the run's state names it (`pass` → `passed`, `fail` → `failed`; RUN_STATUSES): the
 * verdict line carries both `easel-run-verdict-<verdict>` and `easel-run-verdict-<state>`, the
 * names a stylesheet colours (the host's `canvases.css` styles `-passed` and `-failed`).
 */
const VERDICT_STATE: Record<string, string> = { pass: 'passed', fail: 'failed' };

const STATUS_TEXT: Record<RunFeedStatus, string> = {
  idle: 'No run',
  connecting: 'Connecting…',
  live: 'Live',
  ended: 'Ended',
  error: 'Stream error',
};

/**
 * The run console (`data-testid="run-console"`): a run's streamed output, thoughts, tool calls with
 * their results, and its verdict; and the canvas's agent turns with their commit outcomes.
 * Presentational: the caller passes the run feed (e.g. `useRunStream(runId)`) and turns (`useTurns()`).
 */
export function RunConsole({ run, turns = [], showThoughts = true }: RunConsoleProps) {
  const summary = useMemo(() => summarizeRun(run?.events ?? []), [run?.events]);
  const entries = showThoughts ? summary.entries : summary.entries.filter((e) => e.kind !== 'thought');
  const verdict = summary.verdict;
  // Named by its own heading (the run it shows), not "Run console": the canvas around it has that
  // name, and two regions of one name are one too many (axe landmark-unique).
  const headingId = useId();
  return (
    <section className="easel-run-console" data-testid="run-console" aria-labelledby={headingId}>
      <header className="easel-run-header">
        <h3 id={headingId}>{run?.runId ? `Run ${run.runId}` : 'No run selected'}</h3>
        {run ? (
          <span className="easel-run-status" data-testid="run-status" data-status={run.status} role="status">
            {STATUS_TEXT[run.status]}
            {run.status === 'error' && run.error ? `: ${run.error}` : ''}
          </span>
        ) : null}
        {summary.toolCalls > 0 ? (
          <span className="easel-run-tools">
            {summary.toolCalls} tool {summary.toolCalls === 1 ? 'call' : 'calls'}
            {summary.toolFailures > 0 ? `, ${summary.toolFailures} failed` : ''}
          </span>
        ) : null}
      </header>
      {verdict ? (
        <p
          className={`easel-run-verdict easel-run-verdict-${verdict.verdict}${
            VERDICT_STATE[verdict.verdict] ? ` easel-run-verdict-${VERDICT_STATE[verdict.verdict]}` : ''
          }`}
          data-testid="run-verdict"
          data-verdict={verdict.verdict}
          role={verdict.verdict === 'pass' ? 'status' : 'alert'}
        >
          <strong>Verdict: {verdict.verdict}</strong>
          {verdict.reason ? ` — ${verdict.reason}` : ''}
          {verdict.budget_exceeded ? ` (budget exceeded: ${verdict.budget_exceeded})` : ''}
          {verdict.scores ? (
            <span className="easel-run-scores">
              {' '}
              {Object.entries(verdict.scores)
                .map(([name, score]) => `${name} ${score}`)
                .join(', ')}
            </span>
          ) : null}
          {verdict.usage ? (
            <span className="easel-run-usage">
              {' '}
              {verdict.usage.tokens !== undefined ? `${verdict.usage.tokens} tokens` : ''}
              {verdict.usage.time_ms !== undefined ? ` ${verdict.usage.time_ms} ms` : ''}
            </span>
          ) : null}
        </p>
      ) : null}
      {run !== null && entries.length === 0 ? <p className="easel-run-empty">No events yet.</p> : null}
      {entries.length > 0 ? (
        <ol className="easel-run-entries" aria-label="Run events">
          {summary.dropped > 0 ? (
            <li className="easel-run-dropped">{summary.dropped} earlier entries not shown</li>
          ) : null}
          {entries.map((entry) => (
            <RunEntryView key={entry.key} entry={entry} />
          ))}
        </ol>
      ) : null}
      {turns.length > 0 ? (
        <section className="easel-run-turns" aria-label="Agent turns">
          <h4>Turns</h4>
          <ol>
            {turns.map((turn) => (
              <li key={turn.turnId} data-testid={`console-turn-${turn.turnId}`} data-status={turn.status}>
                <p className="easel-run-turn-prompt">
                  <strong>{turn.status}</strong> {turn.prompt ?? '(prompt not shown)'}
                </p>
                {turn.output !== '' ? <p className="easel-run-turn-output">{turn.output}</p> : null}
                {turn.commit?.ok === true ? (
                  <p className="easel-run-turn-commit">Committed at revision {turn.commit.revision}</p>
                ) : turn.commit?.ok === false ? (
                  <p className="easel-run-turn-commit" role="alert">
                    Commit failed ({turn.commit.code}): {turn.commit.message}
                  </p>
                ) : null}
                {turn.cancelReason ? <p className="easel-run-turn-cancel">Cancelled: {turn.cancelReason}</p> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
}

function RunEntryView({ entry }: { entry: RunEntry }) {
  const step = entry.step === null ? null : <span className="easel-run-step">step {entry.step}</span>;
  if (entry.kind === 'output') {
    return (
      <li className="easel-run-output" data-kind="output">
        {step} <span className="easel-run-text">{entry.text}</span>
      </li>
    );
  }
  if (entry.kind === 'thought') {
    return (
      <li className="easel-run-thought" data-kind="thought">
        <details>
          <summary>{step} Thought</summary>
          <p>{entry.text}</p>
        </details>
      </li>
    );
  }
  const state = entry.result === null ? 'running' : entry.result.ok ? 'ok' : 'failed';
  return (
    <li className="easel-run-tool" data-kind="tool" data-testid={`run-tool-${entry.callId}`} data-state={state}>
      {step} <strong>{entry.tool}</strong> <span className="easel-run-tool-state">{state}</span>
      {entry.result?.ms != null ? <span className="easel-run-tool-ms"> {Math.round(entry.result.ms)} ms</span> : null}
      {entry.input !== null ? <code className="easel-run-tool-input">{previewJson(entry.input)}</code> : null}
      {entry.result?.error ? <p className="easel-run-tool-error">{entry.result.error}</p> : null}
      {entry.result?.output != null ? (
        <code className="easel-run-tool-output">{previewJson(entry.result.output)}</code>
      ) : null}
    </li>
  );
}
