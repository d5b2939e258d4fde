import {
  type CommandOutcome,
  describeZodError,
  encodeCursor,
  partitionId,
  type StateOp,
  stateOpSchema,
} from '@easel/schemas';
import type pino from 'pino';
import * as Y from 'yjs';
import { z } from 'zod';
import { applyStateOps } from '../canvas/applyStateOps.ts';
import { CanvasDoc, commitSnapshotKey } from '../canvas/CanvasDoc.ts';
import type { CanvasRegistry } from '../canvas/CanvasRegistry.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import { fastUlid as ulid } from '../ids/fastUlid.ts';
import type { LensView } from '../lens/LensView.ts';
import type { TokenLens } from '../lens/TokenLens.ts';
import type { EventSpine, PartitionId, StoredOutcome } from '../spine/EventSpine.ts';
import { type AppendFailedWording, appendFailedOutcome } from './appendFailedOutcome.ts';
import { chainAppend } from './chainAppend.ts';
import { type PlannedEvent, statePatch } from './commandEffects.ts';
import { duplicateOutcome } from './duplicateOutcome.ts';
import type { PartitionTurns } from './PartitionTurns.ts';
import { proposalForbidden } from './proposalForbidden.ts';
import type { ProposalCommit } from './ProposalCommit.ts';
import type { PublishQueue } from './PublishQueue.ts';
import { RETRY } from './prepareCommand.ts';
import { sizedEnvelopes } from './sizedEnvelopes.ts';
import { toBusEvents } from './toBusEvents.ts';
import type { TurnLedger } from './TurnLedger.ts';
import type { TurnRecords } from './TurnRecords.ts';
import { turnCancelledAfter } from './turnCancelledAfter.ts';
import { unavailable } from './unavailable.ts';

/** What {@link ProposalProcessor} needs (the core's parts; publisher and turns are shared with commands). */
export interface ProposalProcessorDeps {
  readonly spine: EventSpine;
  readonly lens: TokenLens;
  readonly canvases: CanvasRegistry;
  readonly publisher: PublishQueue;
  readonly turns: PartitionTurns | null;
  readonly ledger: TurnLedger;
  readonly records: TurnRecords;
  readonly now: () => number;
  readonly maxEventBytes: number;
  readonly logger?: pino.Logger;
}

const opsSchema = z.array(stateOpSchema).max(500, { error: 'at most 500 ops' });
const ATTEMPTS = 3;
const MESSAGE_LIMIT = 500;
const APPEND_FAILED: AppendFailedWording = {
  log: 'proposal append failed',
  message: 'storing the proposal failed, nothing was applied; retry with the same commandId',
};

type Pending = Promise<Result<CommandOutcome>>;

/**
 * `GatewayCore.commitProposal`: an agent's change committed in one append, lens-checked
 * against the principal, idempotent by `commandId`, refused whole (nothing appended) on any
 * failure. The state it produces is saved as the commit's snapshot before the append (from a
 * copy of the canvas), so `canvas.revert` to that revision works like after `canvas.commit`.
 */
export class ProposalProcessor {
  private readonly inflight = new Map<string, Pending>();

  constructor(private readonly deps: ProposalProcessorDeps) {}

  async commit(req: ProposalCommit): Promise<Result<CommandOutcome>> {
    const canvasId = req.scope.canvas_id;
    if (canvasId === undefined) {
      return fail('validation_failed', 'scope.canvas_id: required', {
        issues: [{ path: 'scope.canvas_id', message: 'required' }],
      });
    }
    if (req.scope.tenant_id !== req.principal.tenantId) {
      return fail('tenant_mismatch', `scope tenant_id '${req.scope.tenant_id}' is not the principal's tenant`);
    }
    const parsed = opsSchema.safeParse(req.ops);
    if (!parsed.success) {
      const d = describeZodError(parsed.error, 'ops');
      return fail('validation_failed', d.message, d.details);
    }
    const partition = partitionId(req.scope);
    const key = `${partition}\u0000${req.commandId}`;
    const existing = this.inflight.get(key);
    const addTurn = (o: CommandOutcome): CommandOutcome => (req.turnId ? { ...o, turn_id: req.turnId } : o);
    if (existing) return existing.then((r) => (r.ok ? ok(addTurn({ ...r.value, status: 'duplicate' })) : r));
    const pending = this.run(req, parsed.data, partition, canvasId).then((r) => (r.ok ? ok(addTurn(r.value)) : r));
    this.inflight.set(key, pending);
    try {
      return await pending;
    } finally {
      if (this.inflight.get(key) === pending) this.inflight.delete(key);
    }
  }

  private async run(req: ProposalCommit, ops: StateOp[], partition: PartitionId, canvasId: string): Pending {
    try {
      const stored = await this.deps.spine.lookupCommand(partition, req.commandId);
      if (stored) return ok(duplicateOutcome(stored));
      const view = await this.deps.lens.view(partition, req.principal.roles);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const refused = this.turnRefusal(req, partition);
        if (refused) return refused;
        const canvas = await this.deps.canvases.get(partition, canvasId);
        if (!canvas) return fail('not_found', `canvas '${canvasId}' does not exist`, { canvas_id: canvasId });
        const commitId = ulid(this.deps.now());
        const base = { revision: canvas.revision, lastSeq: canvas.lastSeq };
        if (ops.length > 0) {
          const after = this.preview(canvas, view, ops, commitId);
          if (!after.ok) return after;
          try {
            await canvas.appendChain; // the state it builds on must be durable
          } catch {
            continue;
          }
          await this.deps.spine.saveSnapshot(partition, after.value);
        }
        const result =
          this.deps.turns === null
            ? this.applyAndAppend(req, ops, partition, canvas, view, commitId, base, null)
            : await this.deps.turns.submit(partition, req.commandId, (s, head) =>
                this.inTurn(req, ops, partition, canvas, view, commitId, base, s, head),
              );
        if (result === RETRY) continue;
        return result.ok ? await result.value : result;
      }
      return fail('conflict', 'the canvas kept changing while the proposal was committed; retry');
    } catch (err) {
      return unavailable(this.deps.logger, err, 'committing the proposal failed');
    }
  }

  /** A cancelled or ended turn refuses its commit. */
  private turnRefusal(req: ProposalCommit, partition: PartitionId): { ok: false; error: never } | null {
    if (req.turnId === undefined) return null;
    const turn = this.deps.ledger.get(partition, req.turnId);
    if (turn?.ended) {
      return fail('conflict', `turn '${req.turnId}' already ended (${turn.ended}); nothing was applied`, {
        turn_id: req.turnId,
        ended: turn.ended,
      }) as { ok: false; error: never };
    }
    return null;
  }

  /** The commit snapshot of the state after the ops, computed on a copy (lens and ops checked). */
  private preview(canvas: CanvasDoc, view: LensView, ops: readonly StateOp[], commitId: string) {
    const copy = CanvasDoc.create(canvas.partition, canvas.canvasId, canvas.manifest, canvas.title, canvas.epoch);
    Y.applyUpdate(copy.doc, Y.encodeStateAsUpdate(canvas.doc));
    // Same client id (set after the state, or Yjs picks another): the copy's items match the live apply.
    copy.doc.clientID = canvas.doc.clientID;
    for (const [id, value] of canvas.tokens) copy.tokens.set(id, value);
    copy.lastSeq = canvas.lastSeq;
    copy.revision = canvas.revision + 1;
    const applied = applyStateOps(copy, (root) => view.canWriteRoot(root), ops);
    if (!applied.ok) return { ok: false as const, error: applied.error };
    return ok(copy.commitSnapshot(commitId));
  }

  private async inTurn(
    req: ProposalCommit,
    ops: readonly StateOp[],
    partition: PartitionId,
    canvas: CanvasDoc,
    view: LensView,
    commitId: string,
    base: { revision: number; lastSeq: number },
    stored: StoredOutcome | null,
    head: number,
  ): Promise<Result<Pending> | typeof RETRY> {
    if (stored !== null) return ok(Promise.resolve(ok(duplicateOutcome(stored))));
    // The turn re-read the lens policy (another node may have changed it): the one in force decides.
    const current = await this.deps.lens.view(partition, req.principal.roles);
    if (current !== view && ops.length > 0 && !current.canRunCommand('state.ops')) return proposalForbidden();
    const turn = req.turnId !== undefined ? this.deps.ledger.get(partition, req.turnId) : null;
    if (turn && req.turnId !== undefined) {
      const cancelled = await turnCancelledAfter(this.deps.spine, partition, turn.info, head);
      if (cancelled) {
        this.deps.ledger.end(partition, req.turnId, 'cancelled');
        return fail('conflict', `turn '${req.turnId}' was cancelled; nothing was applied`, { turn_id: req.turnId });
      }
    }
    return this.applyAndAppend(req, ops, partition, canvas, current, commitId, base, head);
  }

  /** The synchronous part: checks, apply in memory, one append. No `await` in here. */
  private applyAndAppend(
    req: ProposalCommit,
    ops: readonly StateOp[],
    partition: PartitionId,
    canvas: CanvasDoc,
    view: LensView,
    commitId: string,
    base: { revision: number; lastSeq: number },
    turnHead: number | null,
  ): Result<Pending> | typeof RETRY {
    const { canvases, spine } = this.deps;
    if (canvas.disposed || canvas.revision !== base.revision || canvas.lastSeq !== base.lastSeq) return RETRY;
    if (turnHead !== null && canvas.syncedSeq < turnHead) return RETRY;
    const refused = this.turnRefusal(req, partition);
    if (refused) return refused;

    const changes = ops.length > 0;
    const revision = changes ? canvas.revision + 1 : canvas.revision;
    const events: PlannedEvent[] = [];
    if (changes) {
      const applied = applyStateOps(canvas, (root) => view.canWriteRoot(root), ops);
      if (!applied.ok) {
        if (applied.discard) canvases.discard(canvas);
        return { ok: false, error: applied.error };
      }
      events.push(statePatch(canvas, applied.value.update, applied.value.roots, revision));
      events.push({
        type: 'canvas_commit',
        payload: {
          revision,
          commit_id: commitId,
          message: req.message.slice(0, MESSAGE_LIMIT),
          kind: 'commit',
          ...(req.turnId !== undefined ? { turn_id: req.turnId } : {}),
          ...(req.scope.run_id !== undefined ? { run_id: req.scope.run_id } : {}),
        },
      });
    }
    for (const e of req.outcomeEvents) {
      const payload: Record<string, unknown> = { ...(e.payload as Record<string, unknown>) };
      if (payload.revision === undefined) payload.revision = revision;
      if (e.type === 'commit_succeeded' && changes && payload.commit_id === undefined) payload.commit_id = commitId;
      events.push({ type: e.type, payload });
    }
    if (events.length === 0) return fail('validation_failed', 'a proposal needs ops or outcome events');
    const now = this.deps.now();
    const ctx = {
      scope: req.scope,
      actor: req.actor,
      durable: true,
      causationId: req.causationId ?? req.commandId,
      now,
      ...(req.sessionId !== undefined ? { sessionId: req.sessionId } : {}),
      ...(req.turnId !== undefined ? { turnId: req.turnId } : {}),
    };
    const sized = sizedEnvelopes(events, ctx, this.deps.maxEventBytes);
    if (!sized.ok) {
      if (changes) canvases.discard(canvas);
      return sized;
    }
    const envelopes = sized.value;
    const epoch = spine.epoch;
    const canvasId = canvas.canvasId;
    let appended: ReturnType<EventSpine['append']>;
    try {
      appended = spine.append({
        partition,
        events: events.map((e, i) => ({ type: e.type, canvasId, envelope: envelopes[i]! })),
        commandId: req.commandId,
        outcome: (lastSeq) => ({ cursor: encodeCursor({ epoch, seq: lastSeq }), revision }),
      });
    } catch (err) {
      if (changes) canvases.discard(canvas);
      return unavailable(this.deps.logger, err, 'appending to the event spine failed');
    }
    const { seqs, durable } = appended;
    if (seqs.length !== events.length) {
      if (changes) canvases.discard(canvas);
      return ok(
        durable.then(
          () => fail('unavailable', 'the event spine refused the proposal; retry'),
          (err: unknown) => appendFailedOutcome(this.deps, err, partition, req.commandId, APPEND_FAILED),
        ),
      );
    }
    const lastSeq = seqs[seqs.length - 1]!;
    canvas.lastSeq = Math.max(canvas.lastSeq, lastSeq);
    if (turnHead !== null) canvas.syncedSeq = lastSeq;
    if (changes) {
      canvas.revision = revision;
      canvas.addCommit({
        revision,
        commit_id: commitId,
        message: req.message.slice(0, MESSAGE_LIMIT),
        kind: 'commit',
        actor: req.actor,
        timestamp: new Date(now).toISOString(),
        cursor: encodeCursor({ epoch, seq: lastSeq }),
        snapshot: commitSnapshotKey(canvasId, commitId),
      });
      canvases.noteMutation(canvas);
    }
    if (req.turnId !== undefined) {
      this.deps.ledger.end(partition, req.turnId, endOf(req.outcomeEvents));
      this.deps.records.remove(partition, req.turnId);
    }
    chainAppend(canvas, durable);
    return ok(
      this.deps.publisher.publish(partition, durable, toBusEvents(partition, canvasId, seqs, events, envelopes)).then(
        (result) =>
          ok({
            status: 'committed' as const,
            cursor: result.outcome?.cursor ?? encodeCursor({ epoch, seq: lastSeq }),
            revision,
          }),
        (err: unknown) => {
          canvases.discard(canvas);
          return appendFailedOutcome(this.deps, err, partition, req.commandId, APPEND_FAILED);
        },
      ),
    );
  }
}

/** How the outcome events end a turn. */
function endOf(events: ProposalCommit['outcomeEvents']): 'committed' | 'failed' | 'cancelled' {
  if (events.some((e) => e.type === 'turn_cancelled')) return 'cancelled';
  if (events.some((e) => e.type === 'commit_failed')) return 'failed';
  return 'committed';
}
