import {
  type Actor,
  type BatchItemOutcome,
  type BatchResponse,
  batchRequestShellSchema,
  type Command,
  COMMAND_TYPES,
  type CommandOutcome,
  commandSchema,
  describeZodError,
  encodeCursor,
  partitionId,
  type Scope,
} from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../auth/Principal.ts';
import type { EventBus } from '../bus/EventBus.ts';
import { CanvasDoc, commitSnapshotKey } from '../canvas/CanvasDoc.ts';
import type { CanvasRegistry } from '../canvas/CanvasRegistry.ts';
import type { CanvasTypeRegistry } from '../canvasTypes/CanvasTypeRegistry.ts';
import { fail, type GatewayError, ok, type Result } from '../errors/GatewayError.ts';
import type { LensView } from '../lens/LensView.ts';
import type { TokenLens } from '../lens/TokenLens.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { appendDurableEvents } from './appendDurableEvents.ts';
import { type AppendFailedWording, appendFailedOutcome } from './appendFailedOutcome.ts';
import { chainAppend } from './chainAppend.ts';
import { CommitGates } from './CommitGates.ts';
import { duplicateOutcome } from './duplicateOutcome.ts';
import { effectsOf } from './effectsOf.ts';
import { type Prepared, prepareCommand, RETRY } from './prepareCommand.ts';
import { PartitionTurns } from './PartitionTurns.ts';
import { PublishQueue } from './PublishQueue.ts';
import { sizedEnvelopes } from './sizedEnvelopes.ts';
import { toBusEvents } from './toBusEvents.ts';
import { isTurnCommand, type TurnCommands, withTurnId } from './TurnCommands.ts';
import { unavailable } from './unavailable.ts';

/** What the command path needs. */
export interface CommandProcessorDeps {
  readonly spine: EventSpine;
  readonly bus: EventBus;
  readonly lens: TokenLens;
  readonly types: CanvasTypeRegistry;
  readonly canvases: CanvasRegistry;
  readonly now: () => number;
  /** Max bytes of one event envelope (contract §4: 64 KiB). */
  readonly maxEventBytes: number;
  readonly logger?: pino.Logger;
  /** `chat.send` / `turn.cancel` (issue 6); without it they are refused as not available. */
  readonly turnCommands?: TurnCommands;
}

/** Command types this core applies; the others are refused until their issue lands. */
const HANDLED = new Set([
  'canvas.create',
  'token.set',
  'token.delete',
  'state.update',
  'state.ops',
  'canvas.commit',
  'canvas.revert',
]);
const TURN_TYPES = new Set(['chat.send', 'turn.cancel']);
/** Attempts when the canvas is reloaded or changes under a command's async preparation. */
const ATTEMPTS = 3;
/** How a command's 503 says to retry (idempotent by its id). */
const RETRY_SAME_ID = 'retry with the same command_id';
const APPEND_FAILED: AppendFailedWording = {
  log: 'append failed',
  message: 'storing the command failed, nothing was applied; retry with the same command_id',
};

type Pending = Promise<Result<CommandOutcome>>;

/**
 * The command path (ARCHITECTURE.md): parse → tenant → lens → idempotency → apply in memory →
 * one `spine.append` per command → durable → publish on the bus (seq order per partition) →
 * outcome. Applying and appending happen in one synchronous section, so commands on a canvas
 * are applied in the order the spine sequences them. A failed append discards the canvas
 * (it reloads from durable events): nothing partial survives.
 */
export class CommandProcessor {
  private readonly inflight = new Map<string, Pending>();
  /** Commits that had to retry hold back mutations of their canvas (see `CommitGates`). */
  private readonly commitGates = new CommitGates<CanvasDoc>();
  /** Publishes appends in order per partition (shared with `ProposalProcessor`). */
  readonly publisher: PublishQueue;
  /** Shared spines only: commands run inside the partition's write turns (shared likewise). */
  readonly turns: PartitionTurns | null;

  constructor(private readonly deps: CommandProcessorDeps) {
    this.publisher = new PublishQueue(deps.bus, deps.logger);
    this.turns =
      deps.spine.writers === 'shared'
        ? new PartitionTurns({
            spine: deps.spine,
            // The lens too: a policy PUT through another node holds from the next turn on.
            catchUp: async (partition, head) => {
              await Promise.all([deps.canvases.catchUpPartition(partition, head), deps.lens.refresh(partition)]);
            },
          })
        : null;
  }

  /** `POST /v1/commands`. Never throws. */
  async submit(principal: Principal, body: unknown): Promise<Result<CommandOutcome>> {
    const started = await this.start(principal, body);
    return started.ok ? started.value : started;
  }

  /** `POST /v1/commands:batch`: items start in order; each gets its outcome or its rejection. */
  async submitBatch(principal: Principal, body: unknown): Promise<Result<BatchResponse>> {
    const shell = batchRequestShellSchema.safeParse(body);
    if (!shell.success) {
      const d = describeZodError(shell.error);
      return fail('validation_failed', d.message, d.details);
    }
    const pending: Array<Promise<BatchItemOutcome>> = [];
    for (let i = 0; i < shell.data.commands.length; i++) {
      const started = await this.start(principal, shell.data.commands[i], `commands[${i}]`);
      const done = started.ok ? started.value : Promise.resolve(started);
      pending.push(done.then((r) => (r.ok ? r.value : { status: 'rejected' as const, error: errorInfo(r.error) })));
    }
    return ok({ outcomes: await Promise.all(pending) });
  }

  /**
   * Validates, authorizes and appends a command; resolves once it is appended (or refused)
   * with a promise of its final outcome (durable and published).
   */
  private async start(principal: Principal, body: unknown, where?: string): Promise<Result<Pending>> {
    const parsed = commandSchema.safeParse(body);
    if (!parsed.success) {
      const d = describeZodError(parsed.error, where);
      return fail('validation_failed', d.message, d.details);
    }
    const cmd = parsed.data;
    if (cmd.scope.tenant_id !== principal.tenantId) {
      return fail('tenant_mismatch', `scope tenant_id '${cmd.scope.tenant_id}' is not the token's tenant`);
    }
    const partition = partitionId(cmd.scope);
    let view: LensView;
    try {
      view = await this.deps.lens.view(partition, principal.roles);
    } catch (err) {
      return unavailable(this.deps.logger, err, 'reading the lens policy failed', RETRY_SAME_ID);
    }
    if (!view.canRunCommand(cmd.type)) {
      return fail('forbidden', `your roles may not run command '${cmd.type}'`, { type: cmd.type });
    }
    if (!HANDLED.has(cmd.type) && !(TURN_TYPES.has(cmd.type) && this.deps.turnCommands)) {
      return fail('validation_failed', `type: command '${cmd.type}' is not available on this gateway yet`, {
        type: cmd.type,
      });
    }

    const key = `${partition}\u0000${cmd.command_id}`;
    const extend = withTurnId(cmd, partition);
    const existing = this.inflight.get(key);
    const started: Result<Pending> = existing
      ? ok(existing.then((r) => (r.ok ? ok({ ...r.value, status: 'duplicate' as const }) : r)))
      : await this.track(principal, cmd, partition, view, key);
    if (extend === null || !started.ok) return started;
    return ok(started.value.then((r) => (r.ok ? ok(extend(r.value)) : r)));
  }

  /** Idempotency (in flight, then stored) and execution of a command that passed its checks. */
  private async track(
    principal: Principal,
    cmd: Command,
    partition: PartitionId,
    view: LensView,
    key: string,
  ): Promise<Result<Pending>> {
    let settle!: (r: Result<CommandOutcome>) => void;
    const final: Pending = new Promise((resolve) => {
      settle = resolve;
    });
    this.inflight.set(key, final);
    try {
      const stored = await this.deps.spine.lookupCommand(partition, cmd.command_id);
      if (stored) {
        const dup = this.settleInflight(key, final, settle, ok(duplicateOutcome(stored)));
        return ok(Promise.resolve(dup));
      }
      const appended = await this.execute(principal, cmd, partition, view);
      if (!appended.ok) {
        this.settleInflight(key, final, settle, appended);
        return appended;
      }
      return ok(appended.value.then((r) => this.settleInflight(key, final, settle, r)));
    } catch (err) {
      const failed = unavailable(this.deps.logger, err, 'the command could not be processed', RETRY_SAME_ID);
      this.settleInflight(key, final, settle, failed);
      return failed;
    }
  }

  /** Settles a tracked command's final outcome and forgets it (a method, not a closure per command). */
  private settleInflight(
    key: string,
    final: Pending,
    settle: (r: Result<CommandOutcome>) => void,
    r: Result<CommandOutcome>,
  ): Result<CommandOutcome> {
    settle(r);
    if (this.inflight.get(key) === final) this.inflight.delete(key);
    return r;
  }

  private async execute(
    principal: Principal,
    cmd: Command,
    partition: PartitionId,
    view: LensView,
  ): Promise<Result<Pending>> {
    // A commit that had to retry holds its canvas's gate for its remaining attempts (CommitGates).
    let open: (() => void) | null = null;
    try {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const prepared = await prepareCommand(cmd, partition, this.deps);
        if (prepared === RETRY) {
          open ??= this.holdCommitGate(cmd, partition);
          continue;
        }
        if (!prepared.ok) return prepared;
        if (isTurnCommand(cmd) && this.deps.turnCommands && prepared.value.kind === 'canvas') {
          const ready = await this.deps.turnCommands.prepare(cmd, partition, prepared.value.canvas, principal);
          if (!ready.ok) return ready;
        }
        const gate =
          prepared.value.kind === 'create' || prepared.value.kind === 'commit' ? null : prepared.value.canvas;
        const passage = gate ? this.commitGates.passage(gate) : null;
        if (passage) await passage;
        const result =
          this.turns === null
            ? this.applyAndAppend(principal, cmd, partition, view, prepared.value, null)
            : await this.turns.submit(partition, cmd.command_id, (stored, head) =>
                this.inTurn(principal, cmd, partition, view, prepared.value, stored, head),
              );
        if (result !== RETRY) return result;
        open ??= this.holdCommitGate(cmd, partition);
      }
    } finally {
      open?.();
    }
    return fail('conflict', 'the canvas kept changing while the command was prepared; retry');
  }

  /** A `canvas.commit` closes its canvas's gate (CommitGates): returns the opener; null for other commands. */
  private holdCommitGate(cmd: Command, partition: PartitionId): (() => void) | null {
    if (cmd.type !== 'canvas.commit') return null;
    const canvas = this.deps.canvases.peek(partition, cmd.scope.canvas_id);
    return canvas ? this.commitGates.close(canvas) : null;
  }

  /**
   * Shared spines: a command's part of a write turn (this node alone appends to the partition
   * and its loaded canvases are caught up to `head`): the id seen by another node is a
   * duplicate, a canvas created by another node is a conflict, then the synchronous part.
   */
  private async inTurn(
    principal: Principal,
    cmd: Command,
    partition: PartitionId,
    view: LensView,
    prepared: Prepared,
    stored: { cursor: string; revision: number } | null,
    head: number,
  ): Promise<Result<Pending> | typeof RETRY> {
    if (stored !== null) return ok(Promise.resolve(ok(duplicateOutcome(stored))));
    // The turn re-read the lens policy: judge the command by the one in force now.
    const current = await this.deps.lens.view(partition, principal.roles);
    if (current !== view && !current.canRunCommand(cmd.type)) {
      return fail('forbidden', `your roles may not run command '${cmd.type}'`, { type: cmd.type });
    }
    // A commit whose canvas moved since its snapshot (other nodes' events caught up at the
    // turn's start): label the state as it is now. Inside the turn nothing else changes the
    // canvas, and what this turn appended before commits with it, so no retry can lose again.
    let prep = prepared;
    if (prep.kind === 'commit' && !prep.canvas.disposed && prep.canvas.revision !== prep.revision) {
      const snapshot = prep.canvas.commitSnapshot(prep.commitId);
      await this.deps.spine.saveSnapshot(partition, snapshot);
      prep = { ...prep, revision: snapshot.revision };
    }
    const canvasId = cmd.scope.canvas_id;
    if (prep.kind === 'create' && !this.deps.canvases.peek(partition, canvasId)) {
      const { spine } = this.deps;
      const exists =
        (await spine.read(partition, 0, { canvasId, limit: 1 })).length > 0 ||
        (await spine.loadSnapshot(partition, canvasId)) !== null;
      if (exists) return fail('conflict', `canvas '${canvasId}' already exists`, { canvas_id: canvasId });
    }
    return this.applyAndAppend(principal, cmd, partition, current, prep, head);
  }

  /**
   * The synchronous part: check, apply in memory, append. No `await` in here. `turnHead`: the
   * head of the write turn it runs in (shared spines), null on a single-writer spine.
   */
  private applyAndAppend(
    principal: Principal,
    cmd: Command,
    partition: PartitionId,
    view: LensView,
    prepared: Prepared,
    turnHead: number | null,
  ): Result<Pending> | typeof RETRY {
    const { canvases } = this.deps;
    const canvasId = cmd.scope.canvas_id;
    let canvas: CanvasDoc;
    if (prepared.kind === 'create') {
      if (canvases.peek(partition, canvasId))
        return fail('conflict', `canvas '${canvasId}' already exists`, { canvas_id: canvasId });
      canvas = CanvasDoc.create(
        partition,
        canvasId,
        prepared.manifest,
        cmd.type === 'canvas.create' ? (cmd.payload.title ?? '') : '',
        this.deps.spine.epoch,
      );
    } else {
      canvas = prepared.canvas;
      if (canvas.disposed) return RETRY;
      // Loaded after the turn's catch-up started: it may lack other nodes' latest events.
      if (turnHead !== null && canvas.syncedSeq < turnHead) return RETRY;
      if ((prepared.kind === 'commit' || prepared.kind === 'run_revert') && canvas.revision !== prepared.revision)
        return RETRY;
      if (cmd.expected_revision !== undefined && cmd.expected_revision !== canvas.revision) {
        return fail(
          'conflict',
          `expected_revision ${cmd.expected_revision} is stale: the canvas is at revision ${canvas.revision}`,
          {
            expected_revision: cmd.expected_revision,
            current_revision: canvas.revision,
          },
        );
      }
    }

    const effects = effectsOf(cmd, canvas, view, prepared, principal, partition, this.deps.turnCommands);
    if (!effects.ok) {
      if (effects.discard) canvases.discard(canvas);
      return { ok: false, error: effects.error };
    }
    const { events, revision, finish, docChanged, envelope } = effects.value;
    const now = this.deps.now();
    const ctx = {
      scope: cmd.scope,
      actor: { id: principal.actorId, kind: principal.kind },
      durable: true,
      causationId: cmd.command_id,
      now,
      sessionId: envelope?.sessionId,
      turnId: envelope?.turnId,
    };
    const sized = sizedEnvelopes(events, ctx, this.deps.maxEventBytes);
    if (!sized.ok) {
      if (docChanged) canvases.discard(canvas);
      return sized;
    }
    const envelopes = sized.value;

    let appended: ReturnType<EventSpine['append']>;
    const epoch = this.deps.spine.epoch;
    effects.value.beforeAppend?.();
    try {
      appended = this.deps.spine.append({
        partition,
        events: events.map((e, i) => ({ type: e.type, canvasId, envelope: envelopes[i]! })),
        commandId: cmd.command_id,
        outcome: storedOutcome(epoch, revision),
      });
    } catch (err) {
      if (docChanged) canvases.discard(canvas);
      return unavailable(this.deps.logger, err, 'appending to the event spine failed', RETRY_SAME_ID);
    }
    const { seqs, durable } = appended;
    if (seqs.length !== events.length) {
      // Refused at once (closed, or the command id is stored already, e.g. by another node).
      if (docChanged) canvases.discard(canvas);
      return ok(
        durable.then(
          () => fail('unavailable', 'the event spine refused the command; retry with the same command_id'),
          (err: unknown) => appendFailedOutcome(this.deps, err, partition, cmd.command_id, APPEND_FAILED),
        ),
      );
    }
    const lastSeq = seqs[seqs.length - 1]!;

    // Applied in memory, in append order.
    finish(lastSeq);
    canvas.lastSeq = Math.max(canvas.lastSeq, lastSeq);
    if (turnHead !== null) canvas.syncedSeq = lastSeq;
    if (prepared.kind === 'create') canvases.install(canvas);
    if (prepared.kind === 'commit' || prepared.kind === 'revert' || prepared.kind === 'run_revert') {
      const commitPayload = events[events.length - 1]!.payload;
      canvas.addCommit({
        revision,
        commit_id: prepared.commitId,
        message: String(commitPayload.message),
        kind: prepared.kind === 'commit' ? 'commit' : 'revert',
        ...(prepared.kind === 'revert'
          ? { reverted_to: cmd.type === 'canvas.revert' ? (cmd.payload.revision ?? 0) : 0 }
          : {}),
        actor: ctx.actor,
        timestamp: new Date(now).toISOString(),
        cursor: encodeCursor({ epoch, seq: lastSeq }),
        snapshot:
          prepared.kind !== 'revert'
            ? commitSnapshotKey(canvasId, prepared.commitId)
            : (canvas.revertSource(cmd.type === 'canvas.revert' ? (cmd.payload.revision ?? 0) : 0)?.snapshot ?? null),
      });
    }
    if (COMMAND_TYPES[cmd.type].mutates) canvases.noteMutation(canvas);
    chainAppend(canvas, durable);

    const published = this.publisher.publish(
      partition,
      durable,
      toBusEvents(partition, canvasId, seqs, events, envelopes),
    );
    const outcome: Pending = published.then(
      (result) => {
        if (prepared.kind === 'create') {
          canvases.writeDirectoryRecord(canvas, new Date(now).toISOString()).catch((err: unknown) => {
            this.deps.logger?.warn({ err }, 'canvas directory record failed');
          });
        }
        effects.value.published?.();
        return ok({
          status: 'committed' as const,
          cursor: result.outcome?.cursor ?? encodeCursor({ epoch, seq: lastSeq }),
          revision: result.outcome?.revision ?? revision,
        });
      },
      (err: unknown) => {
        canvases.discard(canvas);
        return appendFailedOutcome(this.deps, err, partition, cmd.command_id, APPEND_FAILED);
      },
    );
    return ok(outcome);
  }

  /**
   * Appends durable events that no command caused directly (a job's `job_completed`, a turn's
   * commit outcome): one append, in a write turn on shared spines, published in seq order once
   * durable. Canvas state is not touched (such events carry none). Never throws.
   */
  async appendEvents(
    scope: Scope,
    actor: Actor,
    events: ReadonlyArray<{ type: string; payload: object }>,
    causationId?: string,
  ): Promise<Result<{ cursor: string }>> {
    const ctx = { ...this.deps, publisher: this.publisher, turns: this.turns };
    const r = await appendDurableEvents(ctx, scope, actor, events, causationId !== undefined ? { causationId } : {});
    return r.ok ? ok({ cursor: r.value.cursor }) : r;
  }

  /**
   * {@link appendEvents} exactly once per `commandId` (an internal key a client's `command_id`
   * cannot be): a repeat, from this node or another, appends nothing and answers the first
   * append's cursor with `duplicate: true`. Never throws.
   */
  async appendEventsOnce(
    scope: Scope,
    actor: Actor,
    events: ReadonlyArray<{ type: string; payload: object }>,
    commandId: string,
  ): Promise<Result<{ cursor: string; duplicate: boolean }>> {
    const ctx = { ...this.deps, publisher: this.publisher, turns: this.turns };
    const r = await appendDurableEvents(ctx, scope, actor, events, { commandId });
    return r.ok ? ok({ cursor: r.value.cursor, duplicate: r.value.duplicate === true }) : r;
  }
}

/**
 * The outcome the spine stores with an append (for duplicates), from its last seq. A factory, not
 * an arrow in the object literal: under tsx (esbuild `keepNames`) every closure created under a
 * property name costs an `Object.defineProperty` call, here once per command.
 */
function storedOutcome(epoch: string, revision: number) {
  return (lastSeq: number) => ({ cursor: encodeCursor({ epoch, seq: lastSeq }), revision });
}

function errorInfo(error: GatewayError): {
  code: GatewayError['code'];
  message: string;
  details?: Record<string, unknown>;
} {
  const details = error.details;
  return details !== null && typeof details === 'object' && !Array.isArray(details)
    ? { code: error.code, message: error.message, details: details as Record<string, unknown> }
    : { code: error.code, message: error.message };
}
