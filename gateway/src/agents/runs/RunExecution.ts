import type { JsonValue, RunEvent, RunUsage, Scope, StateOp, TaskSpec } from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../../core/auth/Principal.ts';
import type { DerivedSourceSet } from '../../core/DerivedSources.ts';
import type { ModelAdapter, ModelMessage } from '../models/ModelAdapter.ts';
import type { PluginHost } from '../../plugins/index.ts';
import { clipText } from './clipJson.ts';
import { RunBudget, type StopReason } from './RunBudget.ts';
import { RunCanvasReader } from './RunCanvasReader.ts';
import { legacyStepCommandId, stepCommandId } from './runCommandIds.ts';
import type { RunCore } from './RunCore.ts';
import type { RunEvents } from './RunEvents.ts';
import type { RunTool } from './RunTool.ts';
import { RunToolDispatch } from './RunToolDispatch.ts';
import { reflectionPrompt, systemPrompt } from './runPrompts.ts';
import { runScorer } from './runScorer.ts';
import { type ModelRound, streamModelRound } from './streamModelRound.ts';
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
  private readonly canvas: RunCanvasReader;
  private readonly tools: RunToolDispatch;
  private readonly messages: ModelMessage[];
  private readonly commitErrors: string[] = [];
  private readonly now: () => number;
  readonly revisions: number[] = [];
  private rounds = 0;
  private finalText = '';

  constructor(private readonly s: RunSetup) {
    this.now = s.now ?? Date.now;
    this.budget = new RunBudget(s.task.budget, this.now);
    this.gate = new WidthGate(s.task.budget.width);
    this.canvas = new RunCanvasReader({ principal: s.principal, scope: s.scope, core: s.core, events: s.events });
    this.tools = new RunToolDispatch({
      runId: s.runId,
      tools: s.tools,
      events: s.events,
      plugins: s.plugins,
      caller: { tenantId: s.scope.tenant_id, projectId: s.scope.project_id },
      signal: this.budget.signal,
      canvasFrame: () => this.canvas.frame(),
    });
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
      tool_calls: this.tools.calls,
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
  private async modelRound(step: number): Promise<ModelRound> {
    this.rounds += 1;
    const canvas = await this.canvas.modelContext();
    return streamModelRound({
      runId: this.s.runId,
      step,
      model: this.s.model,
      messages: this.messages,
      canvas,
      tools: this.s.tools,
      inputs: this.s.task.inputs,
      budget: this.budget,
      events: this.s.events,
    });
  }

  /** Commits a round's proposed change as the run (one atomic, lens-checked append). */
  private async commit(step: number, ops: StateOp[]): Promise<void> {
    const { runId } = this.s;
    const committed = await this.s.core.commitProposal({
      principal: this.s.principal,
      actor: this.s.events.actor,
      scope: this.s.scope,
      commandId: stepCommandId(runId, step),
      causationId: legacyStepCommandId(runId, step),
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
  private async callTools(step: number, round: ModelRound): Promise<void> {
    this.messages.push({ role: 'assistant', content: round.text, tool_calls: round.calls });
    const results = await this.gate.run(round.calls, (call) => this.tools.call(step, call));
    round.calls.forEach((call, i) => {
      this.messages.push({ role: 'tool', tool_call_id: call.call_id, content: results[i] ?? '' });
    });
  }

  /** Evaluates the VerifyContract on the canvas as the creator's lens shows it now. */
  private async verify(step: number): Promise<VerifyOutcome> {
    const { verify } = this.s.task;
    const frame = await this.canvas.frame();
    const output: JsonValue = {
      text: this.finalText,
      tools: this.tools.outputs,
      tool_calls: this.tools.calls,
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
        caller: { tenantId: this.s.scope.tenant_id, projectId: this.s.scope.project_id },
      }),
    );
    return judgeRun(verify, doc, scored);
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
