import type { JsonValue, VerifyContract } from '@easel/schemas';
import type { CallOwner, PluginHost } from '../../plugins/index.ts';
import { clipJson, clipText } from './clipJson.ts';
import type { RunEvents } from './RunEvents.ts';
import type { CanvasFrame } from './RunTool.ts';
import { type ScoreOutcome, scoreOf } from './verifyRun.ts';

/** Largest scorer output kept in a durable `tool` event, bytes of JSON. */
const EVENT_JSON_BYTES = 16 * 1024;

/** What one scorer call needs. */
export interface ScorerCall {
  readonly runId: string;
  readonly step: number;
  /** 1-based position among the contract's scorers (its `call_id` is `score_<step>_<n>`). */
  readonly n: number;
  readonly scorer: VerifyContract['scorers'][number];
  /** The canvas as the run's lens sees it (null when unreadable). */
  readonly frame: CanvasFrame | null;
  /** The run's `output` (sent when there is no frame). */
  readonly output: JsonValue;
  readonly events: RunEvents;
  readonly plugins: Pick<PluginHost, 'invoke'>;
  readonly signal: AbortSignal;
  /** The run's tenant and project: the plugin inspector shows the call's warnings and errors to them only. */
  readonly caller: CallOwner;
}

/**
 * Calls one scorer tool (a plugin tool returning a score in 0..1, contract §10) with
 * `{frame, index: 0}` (or `{state: {}, tokens: {}, output}` without a frame), recording the call
 * and its result as durable `tool` events (`scorer: <id>`). Never throws.
 */
export async function runScorer(c: ScorerCall): Promise<ScoreOutcome> {
  const { scorer, runId, step } = c;
  const [plugin = '', tool = ''] = scorer.tool.split('.');
  const input: JsonValue = c.frame
    ? { frame: c.frame as unknown as JsonValue, index: 0 }
    : { state: {}, tokens: {}, output: c.output };
  const callId = `score_${step}_${c.n}`;
  const base = { run_id: runId, step, kind: 'tool' as const, call_id: callId, tool: scorer.tool, scorer: scorer.id };
  await c.events.durable({ ...base, phase: 'call' });
  const r = await c.plugins.invoke(plugin, tool, input, { signal: c.signal, caller: c.caller });
  await c.events.durable({
    ...base,
    phase: 'result',
    ok: r.ok,
    ...(r.ok
      ? { output: clipJson(r.value, EVENT_JSON_BYTES) }
      : { error: clipText(`${r.error.kind}: ${r.error.message}`, 2000) }),
    ms: Math.max(0, r.ms),
  });
  if (!r.ok) return { id: scorer.id, ok: false, message: `${r.error.kind}: ${r.error.message}` };
  const score = scoreOf(r.value);
  if (score === null) return { id: scorer.id, ok: false, message: 'the tool returned no score in 0..1' };
  return { id: scorer.id, ok: true, score };
}
