import type { JsonValue, PluginInvokeResult } from '@easel/schemas';
import type { CallOwner, PluginHost } from '../plugins/index.ts';
import type { JobFrame } from './jobInputSchema.ts';
import type { JobTelemetry } from './JobTelemetry.ts';
import type { JobStage } from './parseJobRequest.ts';

/** How a pipeline run ended. */
export type PipelineOutcome =
  | { ok: true; outputs: JsonValue[] }
  | { ok: false; error: { kind: string; message: string }; plugin?: string };

/** What {@link runPipeline} reads and reports to. */
export interface PipelineRun {
  readonly plugins: Pick<PluginHost, 'invoke' | 'health'>;
  readonly stages: readonly JobStage[];
  readonly framesTotal: number;
  /** Frame `index` (a canvas snapshot taken now, or an inline frame); an error value fails the job. */
  frameAt(index: number): Promise<{ ok: true; value: JobFrame } | { ok: false; kind: string; message: string }>;
  readonly fps?: number;
  readonly telemetry: JobTelemetry;
  readonly signal: AbortSignal;
  /** The job's tenant and project: the plugin inspector shows the calls' warnings and errors to that tenant only. */
  readonly caller?: CallOwner;
  /** Why the run was aborted (read once `signal` fired). */
  abortError(): { kind: string; message: string };
  /** Called as work advances: overall percent, frames done, time per plugin so far. */
  onAdvance(state: { percent: number; frames: number; timings: Record<string, number> }, frameDone: boolean): void;
  /** A plugin's `ctx.warn`. */
  onWarning(message: string, plugin: string): void;
  readonly now?: () => number;
}

/**
 * Runs a job's pipeline (contract §9): per frame, in order, every stage through the plugin host
 * (the sandbox) with `{frame, index, fps?, previous?, prior_frame?, params?}`; frames start at
 * most `fps` per second; the first failing stage ends the run. Publishes `plugin_status` around
 * each call, `progress` as it goes and `frame` per finished frame. Never throws.
 */
export async function runPipeline(run: PipelineRun): Promise<PipelineOutcome> {
  const now = run.now ?? (() => performance.now());
  const started = now();
  const timings: Record<string, number> = {};
  const outputs: JsonValue[] = [];
  const stageCount = run.stages.length;
  let prior: JobFrame | undefined;
  for (let index = 0; index < run.framesTotal; index++) {
    if (run.fps !== undefined && index > 0) {
      const due = started + (index * 1000) / run.fps;
      const wait = due - now();
      if (wait > 0 && !(await sleep(wait, run.signal))) return { ok: false, error: run.abortError() };
    }
    if (run.signal.aborted) return { ok: false, error: run.abortError() };
    const frame = await run.frameAt(index);
    if (!frame.ok) return { ok: false, error: { kind: frame.kind, message: `frame ${index}: ${frame.message}` } };
    let previous: JsonValue | undefined;
    for (let s = 0; s < stageCount; s++) {
      const stage = run.stages[s]!;
      const percentAt = (p: number) => (100 * (index + (s + p / 100) / stageCount)) / run.framesTotal;
      const input: Record<string, JsonValue> = { frame: frame.value as unknown as JsonValue, index };
      if (run.fps !== undefined) input.fps = run.fps;
      if (previous !== undefined) input.previous = previous;
      if (prior !== undefined) input.prior_frame = prior as unknown as JsonValue;
      if (stage.params !== undefined) input.params = stage.params;
      run.telemetry.pluginStatus(stage.plugin, stateOf(run, stage.plugin), {
        tool: stage.tool,
        phase: 'started',
        frame: index,
      });
      const result: PluginInvokeResult = await run.plugins.invoke(stage.plugin, stage.tool, input, {
        signal: run.signal,
        ...(run.caller ? { caller: run.caller } : {}),
        onProgress: (p) => {
          const percent = percentAt(Math.min(100, Math.max(0, p)));
          run.telemetry.progress(percent, { plugin: stage.plugin, tool: stage.tool, frame: index });
          run.onAdvance({ percent, frames: index, timings }, false);
        },
        onWarning: (message) => {
          run.telemetry.warning(message, stage.plugin);
          run.onWarning(message, stage.plugin);
        },
        onPartial: (payload) => run.telemetry.partial(stage.plugin, stage.tool, payload, index),
      });
      timings[stage.plugin] = (timings[stage.plugin] ?? 0) + result.ms;
      run.telemetry.pluginStatus(stage.plugin, stateOf(run, stage.plugin), {
        tool: stage.tool,
        phase: 'finished',
        frame: index,
        ok: result.ok,
        ms: result.ms,
      });
      if (!result.ok) {
        if (run.signal.aborted) return { ok: false, error: run.abortError(), plugin: stage.plugin };
        const message = `${stage.plugin}.${stage.tool} failed on frame ${index}: ${result.error.message}`;
        return { ok: false, error: { kind: result.error.kind, message: clip(message) }, plugin: stage.plugin };
      }
      previous = result.value;
      const percent = percentAt(100);
      run.telemetry.progress(percent, { plugin: stage.plugin, tool: stage.tool, frame: index });
      run.onAdvance({ percent, frames: s === stageCount - 1 ? index + 1 : index, timings }, false);
    }
    outputs.push(previous ?? null);
    run.telemetry.frame(index, sizeOf(previous));
    run.onAdvance({ percent: (100 * (index + 1)) / run.framesTotal, frames: index + 1, timings }, true);
    prior = frame.value;
  }
  return { ok: true, outputs };
}

function stateOf(run: PipelineRun, plugin: string) {
  return run.plugins.health(plugin)?.state ?? 'UNAVAILABLE';
}

/** `width`/`height` of a stage output, when it has them (a thumbnail, an analysed image). */
function sizeOf(value: JsonValue | undefined): { width?: number; height?: number } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const { width, height } = value as Record<string, unknown>;
  const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1;
  return { ...(ok(width) ? { width } : {}), ...(ok(height) ? { height } : {}) };
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function clip(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}
