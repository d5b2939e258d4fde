import type { JsonValue, PluginInvokeResult } from '@easel/schemas';
import type { CallOwner, PluginHost } from '../../plugins/index.ts';
import type { ModelToolCall } from '../models/ModelAdapter.ts';
import { clipJson, clipText } from './clipJson.ts';
import type { RunEvents } from './RunEvents.ts';
import { type CanvasFrame, type RunTool, toolInput } from './RunTool.ts';

/** Largest tool input / output kept in one durable `tool` event, bytes of JSON. */
const EVENT_JSON_BYTES = 16 * 1024;
/** Largest tool result handed back to the model, characters. */
const TOOL_RESULT_CHARS = 8000;

/** What a {@link RunToolDispatch} calls tools with. */
export interface RunToolDispatchOptions {
  readonly runId: string;
  /** The tools the run may call (by their model-facing name). */
  readonly tools: readonly RunTool[];
  readonly events: Pick<RunEvents, 'durable'>;
  readonly plugins: Pick<PluginHost, 'invoke'>;
  /** The run's tenant and project: the plugin inspector shows the calls' warnings and errors to them only. */
  readonly caller: CallOwner;
  /** Aborts calls in flight when the run stops. */
  readonly signal: AbortSignal;
  /** The canvas as the run's lens shows it now (for frame-stage tools). */
  readonly canvasFrame: () => Promise<CanvasFrame | null>;
}

/**
 * A run's tool calls (contract §10): each one a durable `call` event, the sandboxed plugin call
 * (refused without calling the plugin when the tool is unknown or past its `max_calls`), then a
 * durable `result` event; the model gets the result as clipped JSON. Counts the calls and keeps
 * each tool's last output for the verify.
 */
export class RunToolDispatch {
  private readonly toolsByName: Map<string, RunTool>;
  private readonly callsByTool = new Map<string, number>();
  /** The last output of each tool that answered, by the model-facing name (clipped). */
  readonly outputs: Record<string, JsonValue> = {};
  private count = 0;

  constructor(private readonly o: RunToolDispatchOptions) {
    this.toolsByName = new Map(o.tools.map((t) => [t.name, t]));
  }

  /** Tool calls so far (refused ones included). */
  get calls(): number {
    return this.count;
  }

  /** One tool call: durable `call` event, the sandboxed call, durable `result` event; the model's answer. */
  async call(step: number, call: ModelToolCall): Promise<string> {
    const { runId } = this.o;
    this.count += 1;
    const tool = this.toolsByName.get(call.tool);
    await this.o.events.durable({
      run_id: runId,
      step,
      kind: 'tool',
      call_id: call.call_id,
      tool: call.tool,
      phase: 'call',
      input: clipJson(call.input, EVENT_JSON_BYTES),
    });
    let result: PluginInvokeResult;
    if (!tool) {
      result = refused(
        'not_found',
        `there is no tool '${call.tool}' in this run (${[...this.toolsByName.keys()].join(', ') || 'none'})`,
      );
    } else if (tool.maxCalls !== undefined && (this.callsByTool.get(tool.name) ?? 0) >= tool.maxCalls) {
      result = refused('max_calls', `tool '${tool.name}' may be called at most ${tool.maxCalls} times in this run`);
    } else {
      this.callsByTool.set(tool.name, (this.callsByTool.get(tool.name) ?? 0) + 1);
      const frame = tool.takesFrame ? await this.o.canvasFrame() : null;
      const input = toolInput(tool, call.input, () => frame);
      result = await this.o.plugins.invoke(tool.plugin, tool.tool, input, {
        signal: this.o.signal,
        caller: this.o.caller,
      });
    }
    if (result.ok) this.outputs[call.tool] = clipJson(result.value, EVENT_JSON_BYTES);
    await this.o.events.durable({
      run_id: runId,
      step,
      kind: 'tool',
      call_id: call.call_id,
      tool: call.tool,
      phase: 'result',
      ok: result.ok,
      ...(result.ok
        ? { output: clipJson(result.value, EVENT_JSON_BYTES) }
        : { error: clipText(`${result.error.kind}: ${result.error.message}`, 2000) }),
      ms: Math.max(0, result.ms),
    });
    const answer = result.ok
      ? JSON.stringify(result.value)
      : JSON.stringify({ ok: false, error: `${result.error.kind}: ${result.error.message}` });
    return clipText(answer ?? 'null', TOOL_RESULT_CHARS);
  }
}

/** A tool call the run refused without calling the plugin. */
function refused(kind: string, message: string): PluginInvokeResult {
  return { ok: false, error: { kind, message }, ms: 0 } as PluginInvokeResult;
}
