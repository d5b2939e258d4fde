import type { JsonValue, PluginInvokeResult, RunEvent, RunUsage, Scope, StateOp, TaskSpec } from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../../core/auth/Principal.ts';
import type { DerivedSourceSet } from '../../core/DerivedSources.ts';
import type { ModelAdapter, ModelContext, ModelMessage, ModelTool, ModelToolCall } from '../models/ModelAdapter.ts';
import type { PluginHost } from '../../plugins/index.ts';
import { clipJson, clipText } from './clipJson.ts';
import { RunBudget, type StopReason } from './RunBudget.ts';
import type { RunCore } from './RunCore.ts';
import type { RunEvents } from './RunEvents.ts';
import { type CanvasFrame, type RunTool, toolInput } from './RunTool.ts';
import { reflectionPrompt, systemPrompt } from './runPrompts.ts';
import { runScorer } from './runScorer.ts';
import { judgeRun, type VerifyOutcome } from './verifyRun.ts';
import { WidthGate } from './WidthGate.ts';

/** The durable end of a run (`run_event` kind `verdict`). */
export type RunVerdict = Extract<RunEvent, { kind: 'verdict' }>;

/** Everything one run works with. */
export interface RunSetup {
  readonly runId: string;
  /** The run's event scope (its canvas scope with `run_id`). */
  readonly scope: Scope;
  /** The run's creator: its lens decides what the run reads and changes. */
  readonly principal: Principal;
  readonly task: TaskSpec;
  readonly tools: readonly RunTool[];
  readonly events: RunEvents;
  readonly core: Pick<RunCore, 'commitProposal' | 'readCanvas' | 'getCanvasType'>;
  readonly plugins: Pick<PluginHost, 'invoke'>;
  readonly model: ModelAdapter;
  readonly logger?: pino.Logger;
  readonly now?: () => number;
}

/** Most model rounds of one run (a safety net under the token and time budgets). */
export const MAX_ROUNDS = 1000;
/** Largest tool input / output kept in one durable `tool` event, bytes of JSON. */
const EVENT_JSON_BYTES = 16 * 1024;
/** Largest tool result handed back to the model, characters. */
const TOOL_RESULT_CHARS = 8000;
/** Longest text of one `token` event (the schema's limit). */
const TOKEN_TEXT = 4000;

interface Round {
  text: string;
  calls: ModelToolCall[];
  ops: StateOp[];
  error: { code: string; message: string } | null;
}

/**
 * One run's agent loop (contract §10): model round → its proposed changes committed through
 * `commitProposal` (attributed: `scope.run_id`, actor `run:<id>`) → its tool calls through the
 * plugin sandbox, at most `budget.width` in flight → next round with the results; when a round
 * calls no tools the VerifyContract judges the canvas, and a failed verify earns a reflection
 * round while `budget.reflection` lasts. Tokens and thoughts stream as telemetry, tool calls and
 * results durably. The budget stops the run (`stopped`, `budget_exceeded`) the moment it is
 * exceeded. {@link run} never throws and always yields the verdict to append.
 */
export class RunExecution {
  readonly budget: RunBudget;
  private readonly gate: WidthGate;
  private readonly toolsByName: Map<string, RunTool>;
  private readonly messages: ModelMessage[];
  private readonly callsByTool = new Map<string, number>();
  private readonly toolOutputs: Record<string, JsonValue> = {};
  private readonly commitErrors: string[] = [];
  private readonly now: () => number;
  readonly revisions: number[] = [];
  private toolCalls = 0;
  private rounds = 0;
  private finalText = '';

  constructor(private readonly s: RunSetup) {
    this.now = s.now ?? Date.now;
    this.budget = new RunBudget(s.task.budget, this.now);
    this.gate = new WidthGate(s.task.budget.width);
    this.toolsByName = new Map(s.tools.map((t) => [t.name, t]));
    this.messages = [
      {
        role: 'system',
        content: systemPrompt({
          runId: s.runId,
          canvasId: s.scope.canvas_id,
          goal: s.task.goal,
          inputs: s.task.inputs,
          tools: s.tools,
        }),
      },
      { role: 'user', content: s.task.goal },
    ];
  }

  /** The canvas content the run has read so far (its events are stamped with it). */
  get sources(): DerivedSourceSet {
    return this.s.events.sources;
  }

  /** What the run used so far. */
  usage(): RunUsage {
    return {
      tokens: this.budget.tokens,
      time_ms: this.budget.elapsedMs,
      tool_calls: this.toolCalls,
      rounds: this.rounds,
      reflections: this.budget.reflections,
      max_parallel_tools: this.gate.maxInFlight,
    };
  }

  /** Stops the run from outside (gateway shutdown): it ends `stopped`, reason `interrupted`. */
  stop(reason: StopReason): void {
    this.budget.stop(reason);
  }

  /** Runs the loop to its verdict. Never throws. */
  async run(): Promise<RunVerdict> {
    try {
      return await this.loop();
    } catch (err) {
      this.s.logger?.error({ err, run: this.s.runId }, 'run failed unexpectedly');
      return this.verdict('stopped', { reason: `the run failed inside the gateway: ${clipText(String(err), 500)}` });
    } finally {
      this.budget.dispose();
    }
  }

  private async loop(): Promise<RunVerdict> {
    for (let step = 0; step < MAX_ROUNDS; step++) {
      if (this.budget.stopped) return this.stoppedVerdict();
      const round = await this.modelRound(step);
      if (this.budget.stopped) return this.stoppedVerdict();
      if (round.error)
        return this.verdict('stopped', {
          reason: `the model failed (${round.error.code}): ${clipText(round.error.message, 1000)}`,
        });
      if (round.ops.length > 0) await this.commit(step, round.ops);
      if (this.budget.stopped) return this.stoppedVerdict();
      if (round.calls.length > 0) {
        await this.callTools(step, round);
        continue;
      }
      this.finalText = round.text;
      this.messages.push({ role: 'assistant', content: round.text });
      const judged = await this.verify(step);
      if (this.budget.stopped) return this.stoppedVerdict();
      if (judged.verdict === 'fail' && this.budget.takeReflection()) {
        this.messages.push({ role: 'user', content: reflectionPrompt(judged, this.commitErrors) });
        this.commitErrors.length = 0;
        continue;
      }
      return this.verdict(judged.verdict, {
        ...(judged.reason !== undefined ? { reason: judged.reason } : {}),
        scores: judged.scores,
        ...(judged.score !== undefined ? { score: judged.score } : {}),
        assertions: judged.assertions.map((a) => ({
          id: a.id,
          ok: a.ok,
          ...(a.message ? { message: clipText(a.message, 300) } : {}),
        })),
        step,
      });
    }
    return this.verdict('stopped', { reason: `the run reached ${MAX_ROUNDS} model rounds` });
  }

  /** One completion: telemetry as it streams, the budget charged as it goes. */
  private async modelRound(step: number): Promise<Round> {
    this.rounds += 1;
    const canvas = await this.modelContext();
    const tools: ModelTool[] = this.s.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema,
    }));
    const round: Round = { text: '', calls: [], ops: [], error: null };
    let usage: { input_tokens: number; output_tokens: number } | null = null;
    const { runId } = this.s;
    const stream = this.s.model.stream({
      messages: [...this.messages],
      canvas,
      tools,
      maxTokens: this.budget.tokensLeft,
      signal: this.budget.signal,
      inputs: this.s.task.inputs,
    });
    for await (const chunk of stream) {
      switch (chunk.kind) {
        case 'token':
          round.text += chunk.text;
          this.s.events.telemetry({ run_id: runId, step, kind: 'token', text: clipText(chunk.text, TOKEN_TEXT) });
          this.budget.estimate(1);
          break;
        case 'thought':
          this.s.events.telemetry({ run_id: runId, step, kind: 'thought', text: clipText(chunk.text, 16_000) });
          this.budget.estimate(Math.ceil(chunk.text.length / 4));
          break;
        case 'tool_call':
          round.calls.push({ call_id: chunk.call_id, tool: chunk.tool, input: chunk.input });
          break;
        case 'ops':
          round.ops.push(...chunk.ops);
          break;
        case 'usage':
          usage = { input_tokens: chunk.input_tokens, output_tokens: chunk.output_tokens };
          break;
        case 'error':
          if (chunk.code !== 'aborted') round.error = { code: chunk.code, message: chunk.message };
          break;
      }
      if (this.budget.stopped) break;
    }
    this.budget.settleRound(usage);
    return round;
  }

  /** Commits a round's proposed change as the run (one atomic, lens-checked append). */
  private async commit(step: number, ops: StateOp[]): Promise<void> {
    const { runId } = this.s;
    const committed = await this.s.core.commitProposal({
      principal: this.s.principal,
      actor: this.s.events.actor,
      scope: this.s.scope,
      commandId: `run:${runId}:${step}`,
      ops,
      message: clipText(`run ${runId}: ${this.s.task.goal}`, 500),
      outcomeEvents: [],
    });
    if (committed.ok) {
      this.revisions.push(committed.value.revision);
      return;
    }
    const error = `${committed.error.code}: ${committed.error.message}`;
    this.commitErrors.push(error);
    await this.s.events.durable({
      run_id: runId,
      step,
      kind: 'tool',
      call_id: `commit_${step}`,
      tool: 'canvas.commit',
      phase: 'result',
      ok: false,
      error: clipText(error, 2000),
    });
  }

  /** Runs a round's tool calls (at most `width` at once) and answers them in the conversation. */
  private async callTools(step: number, round: Round): Promise<void> {
    this.messages.push({ role: 'assistant', content: round.text, tool_calls: round.calls });
    const results = await this.gate.run(round.calls, (call) => this.callTool(step, call));
    round.calls.forEach((call, i) => {
      this.messages.push({ role: 'tool', tool_call_id: call.call_id, content: results[i] ?? '' });
    });
  }

  /** One tool call: durable `call` event, the sandboxed call, durable `result` event; the model's answer. */
  private async callTool(step: number, call: ModelToolCall): Promise<string> {
    const { runId } = this.s;
    this.toolCalls += 1;
    const tool = this.toolsByName.get(call.tool);
    await this.s.events.durable({
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
      const frame = tool.takesFrame ? await this.canvasFrame() : null;
      const input = toolInput(tool, call.input, () => frame);
      result = await this.s.plugins.invoke(tool.plugin, tool.tool, input, { signal: this.budget.signal });
    }
    if (result.ok) this.toolOutputs[call.tool] = clipJson(result.value, EVENT_JSON_BYTES);
    await this.s.events.durable({
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

  /** Evaluates the VerifyContract on the canvas as the creator's lens shows it now. */
  private async verify(step: number): Promise<VerifyOutcome> {
    const { verify } = this.s.task;
    const frame = await this.canvasFrame();
    const output: JsonValue = {
      text: this.finalText,
      tools: this.toolOutputs,
      tool_calls: this.toolCalls,
      revisions: [...this.revisions],
    };
    const doc: JsonValue = {
      state: frame?.state ?? {},
      tokens: frame?.tokens ?? {},
      output,
    };
    const scored = await this.gate.run(verify.scorers, (scorer, i) =>
      runScorer({
        runId: this.s.runId,
        step,
        n: i + 1,
        scorer,
        frame,
        output,
        events: this.s.events,
        plugins: this.s.plugins,
        signal: this.budget.signal,
      }),
    );
    return judgeRun(verify, doc, scored);
  }

  /** The canvas as a frame (the creator's lens), or null when it cannot be read. */
  private async canvasFrame(): Promise<CanvasFrame | null> {
    const scope = canvasScopeOf(this.s.scope);
    const read = await this.s.core.readCanvas(this.s.principal, scope);
    if (!read.ok) return null;
    const { canvas_id, canvas_type, revision, state, tokens } = read.value;
    const frame: CanvasFrame = {
      kind: 'canvas',
      canvas_type,
      canvas_id,
      revision,
      state: state as Record<string, JsonValue>,
      tokens,
    };
    this.s.events.sources.addFrame(frame); // what the model, tools and scorers see from here on
    return frame;
  }

  /** What the model sees of the canvas this round. */
  private async modelContext(): Promise<ModelContext | null> {
    const frame = await this.canvasFrame();
    if (!frame) return null;
    const roots: ModelContext['roots'] = {};
    const type = await this.s.core.getCanvasType(this.s.principal, this.s.scope.project_id, frame.canvas_type);
    if (type.ok) Object.assign(roots, type.value.roots);
    for (const [name, value] of Object.entries(frame.state)) {
      roots[name] ??= Array.isArray(value) ? 'array' : typeof value === 'string' ? 'text' : 'map';
    }
    return {
      canvasId: frame.canvas_id,
      canvasType: frame.canvas_type,
      roots,
      state: frame.state,
      tokens: frame.tokens,
    };
  }

  private stoppedVerdict(): RunVerdict {
    const why = this.budget.stopped;
    const { limits } = this.budget;
    if (why === 'tokens') {
      return this.verdict('stopped', {
        budget_exceeded: 'tokens',
        reason: `the token budget of ${limits.tokens} was exceeded`,
      });
    }
    if (why === 'time_ms') {
      return this.verdict('stopped', {
        budget_exceeded: 'time_ms',
        reason: `the time budget of ${limits.time_ms} ms ran out`,
      });
    }
    return this.verdict('stopped', { reason: 'interrupted' });
  }

  private verdict(verdict: RunVerdict['verdict'], extra: Partial<RunVerdict> & Record<string, unknown>): RunVerdict {
    const usage = this.usage();
    return {
      run_id: this.s.runId,
      kind: 'verdict',
      verdict,
      ...extra,
      usage: { tokens: usage.tokens, time_ms: usage.time_ms },
    } as RunVerdict;
  }
}

/** A tool call the run refused without calling the plugin. */
function refused(kind: string, message: string): PluginInvokeResult {
  return { ok: false, error: { kind, message }, ms: 0 } as PluginInvokeResult;
}

/** The canvas scope of a run scope (without `run_id`). */
export function canvasScopeOf(scope: Scope): Scope {
  const { run_id: _run, ...rest } = scope;
  return rest;
}
