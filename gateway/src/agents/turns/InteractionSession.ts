import type { Actor, EventType, JsonValue, StateOp } from '@easel/schemas';
import type pino from 'pino';
import type { TurnInfo } from '../../core/commands/TurnLedger.ts';
import type { TurnRef } from '../../core/commands/TurnEvents.ts';
import { legacyTurnCommitCommandId, turnCommitCommandId } from '../../core/commands/turnIds.ts';
import type { GatewayError } from '../../core/errors/GatewayError.ts';
import { DERIVED_FROM, DerivedSourceSet } from '../../core/DerivedSources.ts';
import type { GatewayCore } from '../../core/GatewayCore.ts';
import { abortableSleep } from '../models/abortableSleep.ts';
import type { ModelContext, ModelMessage } from '../models/ModelAdapter.ts';
import type { ModelPool } from '../models/ModelPool.ts';
import { SessionQueue, type TelemetryItem } from './SessionQueue.ts';

/** Tunables a session takes from its manager. */
export interface InteractionSessionOptions {
  /** Telemetry items queued per session before the overflow policy applies. */
  queueCapacity: number;
  /** Messages of earlier turns the model sees (user + assistant). */
  historyLimit: number;
  /** Waits this long between `turn_final` and the commit, ms (diagnostics and crash tests). */
  commitDelayMs: number;
  /** The model to use (pool default when undefined). */
  model?: string;
}

interface Running {
  readonly info: TurnInfo;
  readonly controller: AbortController;
}

/** How a turn's error is recorded on `commit_failed` / `turn_cancelled`. */
function errorInfo(e: GatewayError | { code: string; message: string; details?: unknown }) {
  return {
    code: e.code,
    message: e.message.slice(0, 2000),
    ...(e.details !== null && typeof e.details === 'object' && !Array.isArray(e.details) ? { details: e.details } : {}),
  };
}

/**
 * One interaction session: the chat an actor has with the agent on one canvas (`session_id`).
 * Its turns run one after another: `start_turn` (after the ACK), then `model_status`,
 * `chat_token`s, and `finalize_turn`: durable `turn_final` (preview with `proposed_ops`) then
 * the atomic lens-checked commit (`commit_succeeded` + `canvas_commit` + `state_patch`) or
 * `commit_failed`. `cancel_turn` stops the stream at once; nothing of the turn is applied.
 * Every event goes through the session's bounded {@link SessionQueue}, in order.
 */
export class InteractionSession {
  private readonly queue: SessionQueue;
  private readonly pending: TurnInfo[] = [];
  private readonly history: ModelMessage[] = [];
  /**
   * The canvas roots and tokens the session's model was given so far (its context keeps earlier
   * turns, so this only grows): stamped on the model's text (`chat_token`, `turn_final`) as
   * `derived_from`, so viewers whose lens cannot read all of it get that text redacted.
   */
  private readonly sources = new DerivedSourceSet();
  private running: Running | null = null;
  private lastModel: string | undefined;
  private loop: Promise<void> | null = null;
  lastUsed = Date.now();

  constructor(
    readonly id: string,
    private readonly core: GatewayCore,
    private readonly pool: ModelPool,
    private readonly options: InteractionSessionOptions,
    private readonly logger?: pino.Logger,
  ) {
    this.queue = new SessionQueue(
      options.queueCapacity,
      (item) => this.sendTelemetry(item),
      (err, label) => this.logger?.warn({ err, label, session: id }, 'session event failed'),
    );
  }

  /** Overflow counters of the session queue. */
  get queueStats() {
    return this.queue.stats;
  }

  /** Is a turn running or waiting. */
  get busy(): boolean {
    return this.running !== null || this.pending.length > 0;
  }

  /** Starts (or queues behind the running one) a turn whose `turn_accepted` is published. */
  start_turn(info: TurnInfo): void {
    this.lastUsed = Date.now();
    this.pending.push(info);
    this.loop ??= this.runAll().finally(() => {
      this.loop = null;
    });
  }

  /**
   * Stops a turn at once. `appended`: its `turn_cancelled` is durable already (`turn.cancel`);
   * otherwise the session appends one with `reason`.
   */
  cancel_turn(turnId: string, opts: { appended: boolean; reason?: string }): void {
    const waiting = this.pending.findIndex((t) => t.turnId === turnId);
    if (waiting !== -1) {
      const [info] = this.pending.splice(waiting, 1);
      if (!opts.appended && info) void this.appendEnd(info, 'turn_cancelled', { reason: opts.reason ?? 'cancelled' });
      return;
    }
    if (this.running?.info.turnId !== turnId) return;
    this.running.controller.abort();
    if (!opts.appended)
      void this.appendEnd(this.running.info, 'turn_cancelled', { reason: opts.reason ?? 'cancelled' });
  }

  /** Cancels every turn (shutdown) and waits for the queue to drain. */
  async close(reason: string): Promise<void> {
    for (const info of this.pending.splice(0)) void this.appendEnd(info, 'turn_cancelled', { reason });
    if (this.running) this.cancel_turn(this.running.info.turnId, { appended: false, reason });
    await this.loop;
    await this.queue.idle();
  }

  /** Queues a turn event: telemetry (may coalesce) or durable (never dropped). */
  publish_event(info: TurnInfo, type: EventType, payload: Record<string, unknown>): Promise<unknown> {
    if (type === 'chat_token' || type === 'model_status') {
      this.queue.pushTelemetry({ type, turnId: info.turnId, payload, meta: info });
      return Promise.resolve(true);
    }
    return this.queue.pushDurable(type, () => this.core.appendTurnEvents(ref(info), this.agent(), [{ type, payload }]));
  }

  private agent(): Actor {
    return { id: `agent:${this.lastModel ?? this.pool.defaultModel ?? 'model'}`, kind: 'agent' };
  }

  private sendTelemetry(item: TelemetryItem): void {
    // The core drops telemetry of a turn that ended (cancelled): no token follows a cancel.
    this.core.publishTurnTelemetry(ref(item.meta as TurnInfo), this.agent(), item.type, item.payload);
  }

  private appendEnd(info: TurnInfo, type: 'turn_cancelled' | 'commit_failed', extra: Record<string, unknown>) {
    return this.publish_event(info, type, { turn_id: info.turnId, ...extra });
  }

  private async runAll(): Promise<void> {
    // Bounded: each pass takes one turn off the queue.
    while (this.pending.length > 0) {
      const info = this.pending.shift()!;
      const controller = new AbortController();
      this.running = { info, controller };
      try {
        await this.runTurn(info, controller.signal);
      } catch (err) {
        this.logger?.error({ err, turn: info.turnId }, 'turn failed unexpectedly');
        await this.appendEnd(info, 'turn_cancelled', { reason: 'failed' });
      } finally {
        this.running = null;
        this.lastUsed = Date.now();
      }
    }
  }

  private async runTurn(info: TurnInfo, signal: AbortSignal): Promise<void> {
    const turn = { turn_id: info.turnId };
    const acquired = await this.pool.acquire(
      this.options.model,
      (status, model, detail) => {
        this.lastModel = model;
        void this.publish_event(info, 'model_status', { ...turn, model, status, ...(detail ? { detail } : {}) });
      },
      this.lastModel,
    );
    if (signal.aborted) return;
    if (!acquired.ok) {
      await this.appendEnd(info, 'turn_cancelled', { reason: 'model_unavailable', error: errorInfo(acquired.error) });
      return;
    }
    const canvas = await this.modelContext(info);
    if (canvas !== null) this.sources.addFrame({ kind: 'canvas', state: canvas.state, tokens: canvas.tokens });
    const stamp = { [DERIVED_FROM]: this.sources.current };
    const messages: ModelMessage[] = [...this.history, { role: 'user', content: info.text }];
    let text = '';
    let index = 0;
    const ops: StateOp[] = [];
    let opsError: { code: string; message: string; details?: unknown } | null = null;
    let failure: { code: string; message: string } | null = null;
    for await (const chunk of acquired.value.stream({ messages, canvas, tools: [], signal })) {
      if (signal.aborted) break;
      if (chunk.kind === 'token') {
        text += chunk.text;
        void this.publish_event(info, 'chat_token', { ...turn, index: index++, text: chunk.text, ...stamp });
      } else if (chunk.kind === 'ops') ops.push(...chunk.ops);
      else if (chunk.kind === 'error') {
        if (chunk.code === 'invalid_ops') {
          opsError = { code: 'validation_failed', message: chunk.message, details: chunk.details };
        } else if (chunk.code !== 'aborted') failure = { code: 'unavailable', message: chunk.message };
        break;
      }
    }
    if (signal.aborted) return;
    if (failure !== null) {
      await this.appendEnd(info, 'turn_cancelled', { reason: 'model_failed', error: errorInfo(failure) });
      return;
    }
    this.remember(info.text, text);
    await this.finalize_turn(info, text, ops, opsError, signal);
  }

  /**
   * `turn_final` (durable preview), then the commit: `GatewayCore.commitProposal` (one append,
   * lens-checked against the sender) or `commit_failed` with the reason. A cancel that wins the
   * race leaves only `turn_cancelled` (the ledger refuses the rest).
   */
  async finalize_turn(
    info: TurnInfo,
    text: string,
    ops: readonly StateOp[],
    opsError: { code: string; message: string; details?: unknown } | null,
    signal: AbortSignal,
  ): Promise<void> {
    const finalText = text.slice(0, 20_000);
    const stamp = { [DERIVED_FROM]: this.sources.current };
    let final = (await this.publish_event(info, 'turn_final', {
      turn_id: info.turnId,
      text: finalText,
      ...(ops.length > 0 ? { proposed_ops: ops as unknown as JsonValue } : {}),
      ...stamp,
    })) as Awaited<ReturnType<GatewayCore['appendTurnEvents']>>;
    if (!final.ok && final.error.code === 'payload_too_large') {
      final = (await this.publish_event(info, 'turn_final', {
        turn_id: info.turnId,
        text: finalText.slice(0, 8000),
        truncated: true,
        ...stamp,
      })) as typeof final;
    }
    if (!final.ok) {
      if (final.error.code !== 'conflict') await this.appendEnd(info, 'turn_cancelled', { reason: 'failed' });
      return;
    }
    if (this.options.commitDelayMs > 0 && !(await abortableSleep(this.options.commitDelayMs, signal))) return;
    if (signal.aborted) return;
    if (opsError !== null) {
      await this.appendEnd(info, 'commit_failed', { error: errorInfo(opsError) });
      return;
    }
    const committed = await this.queue.pushDurable('commit', () =>
      this.core.commitProposal({
        principal: info.principal,
        actor: this.agent(),
        scope: info.scope,
        commandId: turnCommitCommandId(info.turnId),
        causationId: legacyTurnCommitCommandId(info.turnId),
        ops,
        // The sender's request, not the model's text: a commit message is shown to every viewer.
        message: `turn ${info.turnId}: ${info.text.slice(0, 200)}`,
        outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: info.turnId } }],
        turnId: info.turnId,
        sessionId: info.sessionId,
      }),
    );
    if (committed.ok) return;
    const ended = this.core.turnLedger.get(info.partition, info.turnId)?.ended;
    if (ended) return; // cancelled meanwhile: turn_cancelled is its end
    await this.appendEnd(info, 'commit_failed', { error: errorInfo(committed.error) });
  }

  private remember(user: string, assistant: string): void {
    this.history.push({ role: 'user', content: user }, { role: 'assistant', content: assistant });
    while (this.history.length > this.options.historyLimit) this.history.shift();
  }

  /** What the model sees: the canvas as the sender's lens shows it. */
  private async modelContext(info: TurnInfo): Promise<ModelContext | null> {
    const read = await this.core.readCanvas(info.principal, info.scope);
    if (!read.ok) return null;
    const roots: ModelContext['roots'] = {};
    const type = await this.core.getCanvasType(info.principal, info.scope.project_id, read.value.canvas_type);
    if (type.ok) Object.assign(roots, type.value.roots);
    else {
      for (const [name, value] of Object.entries(read.value.state)) {
        roots[name] = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'text' : 'map';
      }
    }
    return {
      canvasId: read.value.canvas_id,
      canvasType: read.value.canvas_type,
      roots,
      state: read.value.state as Record<string, JsonValue>,
      tokens: read.value.tokens,
    };
  }
}

function ref(info: TurnInfo): TurnRef {
  return { scope: info.scope, turnId: info.turnId, sessionId: info.sessionId, causationId: info.commandId };
}
