import {
  type Actor,
  type BatchResponse,
  type CanvasReadyPayload,
  type CanvasState,
  type CanvasTypeManifest,
  type CommandOutcome,
  DEFAULT_LENS_POLICY,
  encodeCursor,
  type EventType,
  type JsonValue,
  type LensPolicy,
  partitionId,
  type Scope,
  slugSchema,
  type TurnHistory,
} from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from './auth/Principal.ts';
import { BusOutageRecheck } from './bus/BusOutageRecheck.ts';
import { ChangeMarker } from './bus/ChangeMarker.ts';
import { BUS_DISCONNECTED_TOPIC, BUS_RESYNC_TOPIC, type BusEvent, type EventBus } from './bus/EventBus.ts';
import { type CanvasDoc, CanvasRebuildError } from './canvas/CanvasDoc.ts';
import { CanvasRegistry } from './canvas/CanvasRegistry.ts';
import { fullSnapshot } from './canvas/fullSnapshot.ts';
import { fullState } from './canvas/fullState.ts';
import { rootView } from './canvas/rootView.ts';
import { TextFieldUpgrades } from './canvas/TextFieldUpgrades.ts';
import { canvasOnSpine } from './canvasOnSpine.ts';
import { CanvasTypeRegistry } from './canvasTypes/CanvasTypeRegistry.ts';
import { buildEnvelope } from './commands/buildEnvelope.ts';
import { CommandProcessor } from './commands/CommandProcessor.ts';
import type { ProposalCommit } from './commands/ProposalCommit.ts';
import { ProposalProcessor } from './commands/ProposalProcessor.ts';
import { proposalForbidden } from './commands/proposalForbidden.ts';
import { TurnCommands } from './commands/TurnCommands.ts';
import { TurnEvents, type TurnRef } from './commands/TurnEvents.ts';
import { TurnLedger } from './commands/TurnLedger.ts';
import { TurnRecords } from './commands/TurnRecords.ts';
import { fail, ok, type Result } from './errors/GatewayError.ts';
import { buildLensView } from './lens/buildLensView.ts';
import { ADMIN_ROLE } from './lens/effectivePermissions.ts';
import type { LensView } from './lens/LensView.ts';
import { manifestForView } from './lens/manifestForView.ts';
import { TokenLens } from './lens/TokenLens.ts';
import { projectEvent } from './projectEvent.ts';
import { readTurnHistory } from './readTurnHistory.ts';
import type { EventSpine, PartitionId } from './spine/EventSpine.ts';

/** Dependencies and tunables of the core. */
export interface CoreDeps {
  spine: EventSpine;
  bus: EventBus;
  /** Clock (ms since epoch). Default `Date.now`. */
  now?: () => number;
  logger?: pino.Logger;
  limits?: {
    /** Max bytes of one event envelope. Default 65536 (contract §4). */
    maxEventBytes?: number;
    /** Unload a canvas after this long without use. Default 300000 (5 min). */
    canvasIdleMs?: number;
    /** Snapshot a canvas every N applied mutations. Default 500. */
    snapshotEvery?: number;
    /**
     * Shared spines: while the bus reports it is disconnected (broadcasts lost), re-check cached
     * lens policies and canvas types against the spine this often, ms. Default 2000.
     */
    busDownRecheckMs?: number;
    /**
     * Shared spines: how often every node reads the durable lens/type change marker
     * (`ChangeMarker`), ms; a change whose broadcast was lost is applied within about this long.
     * Default 2000.
     */
    changePollMs?: number;
  };
}

/** One entry of a canvas's commit history (`GET /v1/canvases/{id}/revisions`). */
export interface RevisionEntry {
  revision: number;
  commit_id: string;
  message: string;
  kind: 'commit' | 'revert';
  reverted_to?: number;
  actor: Actor;
  timestamp: string;
  cursor: string;
}

/** `GET /v1/canvases/{id}`: {@link CanvasState} plus the canvas's title. */
export type CanvasStateWithTitle = CanvasState & { title: string };

const DENY_ALL: LensView = buildLensView({
  tokens: { read: [], write: [] },
  state: { read: [], write: [] },
  sidecars: { see: false, resolve: false },
  commands: [],
});

/** Broadcast topics: cache invalidations other nodes act on. */
const TOPIC = { lens: 'lens', canvasType: 'canvas-type' } as const;

/** Attempts at reading a canvas whose in-flight append fails meanwhile. */
const READ_ATTEMPTS = 3;

/**
 * How many of a partition's newest events a turn-history request searches: bounds its work (a
 * project's log can be long); older turns are not returned (`complete: false`).
 */
const TURN_HISTORY_WINDOW = 5000;

/**
 * The Express-free facade the HTTP and SSE adapters call: commands, materialized reads,
 * canvas types, lens policies and per-viewer projections. Bad input yields coded errors,
 * never throws. Closing it snapshots the loaded canvases; the caller closes spine and bus.
 */
export class GatewayCore {
  readonly spine: EventSpine;
  readonly bus: EventBus;
  private readonly now: () => number;
  private readonly lens: TokenLens;
  private readonly types: CanvasTypeRegistry;
  private readonly canvases: CanvasRegistry;
  private readonly commands: CommandProcessor;
  private readonly proposals: ProposalProcessor;
  private readonly turnEvents: TurnEvents;
  /** Converts plain strings at text fields of canvases created before their type declared them. */
  private readonly textFieldUpgrades: TextFieldUpgrades;
  /** The turns this node opened (`chat.send`) and their state; the InteractionManager listens. */
  readonly turnLedger = new TurnLedger();
  /** The durable list of turns this node may have open (recovery after a crash). */
  readonly turnRecords: TurnRecords;
  private readonly logger: pino.Logger | undefined;
  /** Identifies this node's broadcasts (it ignores its own). */
  private readonly nodeId = `n${Math.random().toString(36).slice(2, 12)}`;
  private readonly offBroadcast: () => void;
  /** Shared spines: re-checks caches while the bus is down (broadcasts lost); null on single-node spines. */
  private readonly busDown: BusOutageRecheck | null;
  /** Shared spines: the durable marker every lens/type write bumps and every node polls; null on single-node spines. */
  private readonly changes: ChangeMarker | null;

  private constructor(deps: CoreDeps) {
    this.spine = deps.spine;
    this.bus = deps.bus;
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger;
    this.lens = new TokenLens(deps.spine);
    this.types = new CanvasTypeRegistry(deps.spine);
    this.canvases = new CanvasRegistry(deps.spine, {
      ...(deps.limits?.canvasIdleMs !== undefined ? { idleMs: deps.limits.canvasIdleMs } : {}),
      ...(deps.limits?.snapshotEvery !== undefined ? { snapshotEvery: deps.limits.snapshotEvery } : {}),
      now: this.now,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
    const maxEventBytes = deps.limits?.maxEventBytes ?? 64 * 1024;
    const logger = deps.logger ? { logger: deps.logger } : {};
    this.turnRecords = new TurnRecords(deps.spine, this.nodeId, { now: this.now, ...logger });
    this.commands = new CommandProcessor({
      spine: deps.spine,
      bus: deps.bus,
      lens: this.lens,
      types: this.types,
      canvases: this.canvases,
      now: this.now,
      maxEventBytes,
      ...logger,
      turnCommands: new TurnCommands({
        spine: deps.spine,
        ledger: this.turnLedger,
        records: this.turnRecords,
        ...logger,
      }),
    });
    const shared = { publisher: this.commands.publisher, turns: this.commands.turns };
    this.textFieldUpgrades = new TextFieldUpgrades({
      spine: deps.spine,
      canvases: this.canvases,
      manifestOf: (partition, type) => this.types.get(partition, type),
      ...shared,
      now: this.now,
      maxEventBytes,
      ...logger,
    });
    this.canvases.setLoadHook(this.textFieldUpgrades.onLoad);
    this.proposals = new ProposalProcessor({
      spine: deps.spine,
      lens: this.lens,
      canvases: this.canvases,
      ...shared,
      ledger: this.turnLedger,
      records: this.turnRecords,
      now: this.now,
      maxEventBytes,
      ...logger,
    });
    this.turnEvents = new TurnEvents({
      append: { spine: deps.spine, ...shared, now: this.now, maxEventBytes, ...logger },
      bus: deps.bus,
      ledger: this.turnLedger,
      records: this.turnRecords,
    });
    this.busDown =
      deps.spine.writers === 'shared'
        ? new BusOutageRecheck({
            intervalMs: deps.limits?.busDownRecheckMs ?? 2000,
            check: async () => {
              await this.recheckCaches('while the bus is down');
            },
          })
        : null;
    this.changes =
      deps.spine.writers === 'shared'
        ? new ChangeMarker({
            spine: deps.spine,
            nodeId: this.nodeId,
            intervalMs: deps.limits?.changePollMs ?? 2000,
            check: () => this.recheckCaches('after another node changed a lens policy or canvas type'),
            ...(deps.logger ? { logger: deps.logger } : {}),
          })
        : null;
    this.offBroadcast = deps.bus.onBroadcast((topic, data) => this.onBroadcast(topic, data));
  }

  /**
   * Broadcasts may have been lost: compares cached lens policies and canvas types with the stored
   * ones (one read each) and applies what the lost broadcasts would have. Resolves false when a
   * re-read failed. Never rejects.
   */
  private async recheckCaches(when: string): Promise<boolean> {
    const lens = this.lens.refreshAll().then(
      () => true,
      (err: unknown) => {
        this.logger?.warn({ err }, `re-checking lens policies ${when} failed`);
        return false;
      },
    );
    const types = this.types.refreshAll().then(
      async (changed) => {
        // Loaded canvases whose type is not cached (evicted from the bounded cache) have nothing
        // `refreshAll` compares: they re-read their type's registration (and cache it) here.
        const reported = new Set(changed.map(({ partition, type }) => `${partition}/${type}`));
        const uncached = this.canvases
          .loadedTypes()
          .filter(
            ({ partition, type }) => !reported.has(`${partition}/${type}`) && !this.types.isCached(partition, type),
          );
        await Promise.all(
          [...changed, ...uncached].map(({ partition, type }) =>
            this.textFieldUpgrades.typeRegistered(partition, type),
          ),
        );
        return true;
      },
      (err: unknown) => {
        this.logger?.warn({ err }, `re-checking canvas types ${when} failed`);
        return false;
      },
    );
    const [lensOk, typesOk] = await Promise.all([lens, types]);
    return lensOk && typesOk;
  }

  /** Another node changed a lens policy or a canvas type: drop what this node cached. */
  private onBroadcast(topic: string, data: string): void {
    if (topic === BUS_RESYNC_TOPIC) {
      // Lens and type changes other nodes broadcast meanwhile may be lost: compare with the stored ones.
      this.busDown?.stop();
      void this.recheckCaches('after a bus reconnect');
      return;
    }
    if (topic === BUS_DISCONNECTED_TOPIC) {
      // Until the bus is back, other nodes' broadcasts are lost: look at the spine now and then.
      this.busDown?.start();
      return;
    }
    let message: { node?: unknown; partition?: unknown; type?: unknown };
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.node === this.nodeId || typeof message.partition !== 'string') return;
    if (topic === TOPIC.lens) this.lens.invalidate(message.partition);
    else if (topic === TOPIC.canvasType && typeof message.type === 'string') {
      this.types.invalidate(message.partition, message.type);
      void this.textFieldUpgrades.typeRegistered(message.partition, message.type);
    }
  }

  private tell(topic: string, fields: Record<string, string>): void {
    try {
      this.bus.broadcast(topic, JSON.stringify({ node: this.nodeId, ...fields }));
    } catch (err) {
      this.logger?.warn({ err, topic }, 'broadcast failed; other nodes learn of the change through the change marker');
    }
  }

  /** Opens the core. The built-in canvas types (`board`, `whiteboard`) exist in every project. */
  static async open(deps: CoreDeps): Promise<GatewayCore> {
    return new GatewayCore(deps);
  }

  /** `POST /v1/commands`. */
  submit(p: Principal, body: unknown): Promise<Result<CommandOutcome>> {
    return this.commands.submit(p, body);
  }

  /** `POST /v1/commands:batch`: 200 with one outcome or rejection per command, in order. */
  submitBatch(p: Principal, body: unknown): Promise<Result<BatchResponse>> {
    return this.commands.submitBatch(p, body);
  }

  /**
   * `GET /v1/canvases/{id}`: durable materialized state, lens-filtered (defaults included).
   * `sharedState`: `state` is the per-revision cached one of the viewer's readable roots
   * (`fullState` for its `rootView`: shared by every viewer who reads the same roots, read-only;
   * its JSON text is cached too), as the HTTP route sends it. The same JSON either way.
   */
  async readCanvas(
    p: Principal,
    scope: Scope,
    opts: { sharedState?: boolean } = {},
  ): Promise<Result<CanvasStateWithTitle>> {
    const view = await this.viewFor(p, scope);
    if (!view.ok) return view;
    return this.withDurableCanvas(scope, (canvas) => {
      const tokens: Record<string, JsonValue> = {};
      for (const [id, value] of Object.entries(canvas.allTokens())) if (view.value.canReadToken(id)) tokens[id] = value;
      let state: Record<string, JsonValue> = {};
      if (opts.sharedState === true) {
        const roots = rootView(canvas.doc, canvas.manifest.roots, (r) => view.value.canReadRoot(r));
        state = fullState(canvas.doc, canvas.manifest.roots, roots);
      } else {
        for (const root of Object.keys(canvas.manifest.roots)) {
          if (view.value.canReadRoot(root)) state[root] = canvas.rootJson(root) as JsonValue;
        }
      }
      return {
        canvas_id: canvas.canvasId,
        canvas_type: canvas.canvasType,
        revision: canvas.revision,
        cursor: this.cursorOf(canvas),
        tokens,
        state,
        title: canvas.title,
      };
    });
  }

  /** `GET /v1/canvases/{id}/revisions`: the commit history, oldest first. */
  async listRevisions(p: Principal, scope: Scope): Promise<Result<{ revisions: RevisionEntry[] }>> {
    const view = await this.viewFor(p, scope);
    if (!view.ok) return view;
    return this.withDurableCanvas(scope, (canvas) => ({
      revisions: canvas.history.map(({ snapshot: _key, ...entry }) => ({ ...entry }) as RevisionEntry),
    }));
  }

  /**
   * `GET /v1/canvases/{id}/turns`: the durable events of the canvas's newest `turns` agent turns,
   * as the caller's lens shows them on a stream (`readTurnHistory`); 404 for an unknown canvas.
   */
  async listTurns(p: Principal, scope: Scope, turns: number): Promise<Result<TurnHistory>> {
    const view = await this.viewFor(p, scope);
    if (!view.ok) return view;
    const canvasId = scope.canvas_id;
    if (canvasId === undefined) return fail('validation_failed', 'scope.canvas_id: required');
    return this.guard(async () => {
      if (!(await this.canvasExistsWithoutLoading(scope))) {
        return fail('not_found', `canvas '${canvasId}' does not exist`, { canvas_id: canvasId });
      }
      const window = TURN_HISTORY_WINDOW;
      return ok(await readTurnHistory(this.spine, partitionId(scope), canvasId, view.value, { turns, window }));
    });
  }

  /** `PUT /v1/projects/{project_id}/canvas-types/{type}` (role admin). */
  async putCanvasType(
    p: Principal,
    projectId: string,
    type: string,
    body: unknown,
  ): Promise<Result<CanvasTypeManifest>> {
    const partition = this.projectPartition(p, projectId);
    if (!partition.ok) return partition;
    if (!p.roles.includes(ADMIN_ROLE)) return fail('forbidden', 'only role admin may register canvas types');
    const stored = await this.guard(() => this.types.put(partition.value, type, body));
    if (stored.ok) {
      this.tell(TOPIC.canvasType, { partition: partition.value, type });
      await this.changes?.bump();
      // Loaded canvases of the type adopt its text_fields (and convert) before the answer.
      await this.textFieldUpgrades.typeRegistered(partition.value, type);
    }
    return stored;
  }

  /**
   * `GET /v1/projects/{project_id}/canvas-types/{type}`: 404 when unknown. A non-admin caller gets
   * the manifest as its lens sees it (contract §6: token declarations it cannot read, and their
   * declared defaults, are left out), like CANVAS_READY's `manifest`.
   */
  async getCanvasType(p: Principal, projectId: string, type: string): Promise<Result<CanvasTypeManifest>> {
    const partition = this.projectPartition(p, projectId);
    if (!partition.ok) return partition;
    return this.guard(async () => {
      const manifest = slugSchema.safeParse(type).success ? await this.types.get(partition.value, type) : null;
      if (!manifest) return fail('not_found', `canvas type '${type}' is not registered in project '${projectId}'`);
      if (p.roles.includes(ADMIN_ROLE)) return ok(manifest);
      return ok(manifestForView(manifest, await this.lensView(p, partition.value)));
    });
  }

  /** `GET /v1/projects/{project_id}/canvas-types`: lens-filtered for a non-admin caller (see {@link getCanvasType}). */
  async listCanvasTypes(p: Principal, projectId: string): Promise<Result<{ canvas_types: CanvasTypeManifest[] }>> {
    const partition = this.projectPartition(p, projectId);
    if (!partition.ok) return partition;
    return this.guard(async () => {
      const all = await this.types.list(partition.value);
      if (p.roles.includes(ADMIN_ROLE)) return ok({ canvas_types: all });
      const view = await this.lensView(p, partition.value);
      return ok({ canvas_types: all.map((m) => manifestForView(m, view)) });
    });
  }

  /** `GET /v1/projects/{project_id}/lens`: the stored policy, or the built-in default. */
  async getLensPolicy(p: Principal, projectId: string): Promise<Result<LensPolicy>> {
    const partition = this.projectPartition(p, projectId);
    if (!partition.ok) return partition;
    return this.guard(async () => ok((await this.lens.storedPolicy(partition.value)) ?? DEFAULT_LENS_POLICY));
  }

  /** `PUT /v1/projects/{project_id}/lens` (role admin). Open streams are told via `onLensChanged`. */
  async putLensPolicy(p: Principal, projectId: string, body: unknown): Promise<Result<LensPolicy>> {
    const partition = this.projectPartition(p, projectId);
    if (!partition.ok) return partition;
    if (!p.roles.includes(ADMIN_ROLE)) return fail('forbidden', 'only role admin may set the lens policy');
    const stored = await this.guard(() => this.lens.put(partition.value, body));
    if (stored.ok) {
      this.tell(TOPIC.lens, { partition: partition.value });
      await this.changes?.bump();
    }
    return stored;
  }

  /** The view of a principal in a partition (deny-all for another tenant's partition). */
  async lensView(p: Principal, partition: PartitionId): Promise<LensView> {
    if (!partition.startsWith(`${p.tenantId}/`)) return DENY_ALL;
    return this.lens.view(partition, p.roles);
  }

  onLensChanged(listener: (partition: PartitionId) => void): () => void {
    return this.lens.onChanged(listener);
  }

  /**
   * CANVAS_READY for this viewer at a durable, consistent point: `seq` is the last partition
   * seq of the canvas's events the payload includes. The snapshot carries the readable tokens
   * (defaults included) and `update`: the full Yjs state when the viewer reads every root, else
   * the state with unreadable roots' items as GC placeholders (so later redacted state_patch
   * updates apply to it; see `projectEvent`). With `paintState` (the stream's `?paint=state`), the
   * snapshot also has `state`, the JSON of the roots the viewer reads (every root for a full
   * viewer), to paint from before decoding `update` (`canvasReadyFrames` sends it in two frames).
   * Both are built once per revision and set of readable roots (`fullSnapshot`, `fullState`), so
   * a reconnect storm of viewers with one lens encodes the (redacted) state once.
   */
  async canvasReady(
    p: Principal,
    scope: Scope,
    view: LensView,
    opts: { snapshot: boolean; reset: boolean; paintState?: boolean },
  ): Promise<Result<{ payload: CanvasReadyPayload; seq: number }>> {
    if (scope.tenant_id !== p.tenantId)
      return fail('tenant_mismatch', `scope tenant_id '${scope.tenant_id}' is not the token's tenant`);
    return this.withDurableCanvas(scope, (canvas) => {
      const payload: CanvasReadyPayload = {
        canvas_id: canvas.canvasId,
        canvas_type: canvas.canvasType,
        manifest: manifestForView(canvas.manifest, view),
        revision: canvas.revision,
        cursor: this.cursorOf(canvas),
        reset: opts.reset,
      };
      if (opts.snapshot) {
        const tokens: Record<string, JsonValue> = {};
        for (const [id, value] of Object.entries(canvas.allTokens())) if (view.canReadToken(id)) tokens[id] = value;
        const roots = rootView(canvas.doc, canvas.manifest.roots, (r) => view.canReadRoot(r));
        const update = fullSnapshot(canvas.doc, roots);
        payload.snapshot = opts.paintState
          ? { update, state: fullState(canvas.doc, canvas.manifest.roots, roots), tokens }
          : { update, tokens };
      }
      return { payload, seq: canvas.lastSeq };
    });
  }

  /**
   * Does the canvas exist (streams answer 404 otherwise). Loads it (a stream reads it next); where
   * the canvas itself is not needed, {@link canvasExistsWithoutLoading} gives the same answer.
   */
  async canvasExists(scope: Scope): Promise<boolean> {
    if (scope.canvas_id === undefined) return false;
    try {
      return (await this.canvases.getCurrent(partitionId(scope), scope.canvas_id)) !== null;
    } catch (err) {
      return err instanceof CanvasRebuildError;
    }
  }

  /**
   * {@link canvasExists} without loading the canvas (turn history, sidecars, the dev bootstrap):
   * the loaded canvas, else what the spine holds of it (`canvasOnSpine`). A canvas whose rebuild
   * would fail exists here too; a spine error answers false, as there.
   */
  async canvasExistsWithoutLoading(scope: Scope): Promise<boolean> {
    if (scope.canvas_id === undefined) return false;
    const partition = partitionId(scope);
    if (this.canvases.peek(partition, scope.canvas_id) !== undefined) return true;
    try {
      return await canvasOnSpine(this.spine, partition, scope.canvas_id);
    } catch {
      return false;
    }
  }

  /** The envelope JSON this viewer may see of an event, or null when hidden. Pure. */
  projectEvent(view: LensView, event: BusEvent): string | null {
    return projectEvent(view, event);
  }

  /**
   * Appends durable events that no command caused (a job's `job_completed`, a turn's outcome)
   * and publishes them once durable. Resolves with the cursor of the last one.
   */
  appendEvents(
    scope: Scope,
    actor: Actor,
    events: ReadonlyArray<{ type: EventType; payload: object }>,
    causationId?: string,
  ): Promise<Result<{ cursor: string }>> {
    return this.commands.appendEvents(scope, actor, events, causationId);
  }

  /**
   * {@link appendEvents} exactly once per `commandId`, an internal idempotency key (use a
   * character a client's `command_id` cannot hold, e.g. `/`): a repeat, from any node, appends
   * nothing and answers the first append's cursor with `duplicate: true`. On a single-writer
   * spine the caller must not race itself on one key. Never throws.
   */
  appendEventsOnce(
    scope: Scope,
    actor: Actor,
    events: ReadonlyArray<{ type: EventType; payload: object }>,
    commandId: string,
  ): Promise<Result<{ cursor: string; duplicate: boolean }>> {
    return this.commands.appendEventsOnce(scope, actor, events, commandId);
  }

  /** Publishes a telemetry (non-durable) event on the bus (seq null). */
  publishTelemetry(scope: Scope, actor: Actor, type: EventType, payload: object): void {
    const envelope = buildEnvelope(type, payload, { scope, actor, durable: false, now: this.now() });
    this.bus.publish([{ partition: partitionId(scope), seq: null, canvasId: scope.canvas_id ?? null, type, envelope }]);
  }

  /**
   * Commits an agent's proposed change at an authority boundary (turns, runs): ONE append of
   * `state_patch` (revision + 1) → `canvas_commit` (kind `commit`, `turn_id`/`run_id`) →
   * `outcomeEvents`; only the outcome events when `ops` is empty. Lens-checked against
   * `principal` (every root the ops touch must be writable); ops validated as `state.ops`.
   * Refused (lens 403, ops 400/404/409, a cancelled turn 409, size 413) → `{ok: false}` and
   * nothing appended (the caller then appends `commit_failed`). A repeated `commandId` →
   * `duplicate`. Works on single-writer and shared spines. Never throws.
   * Ops change the canvas like a `state.ops` command, so the principal's lens must grant that
   * command too (403 `forbidden`, `details {type: 'state.ops'}`, as on the command path); a
   * proposal without ops (an outcome, a run's verdict) needs no command.
   */
  async commitProposal(req: ProposalCommit): Promise<Result<CommandOutcome>> {
    if (req.ops.length > 0 && req.scope.tenant_id === req.principal.tenantId) {
      const view = await this.guard(async () => ok(await this.lens.view(partitionId(req.scope), req.principal.roles)));
      if (!view.ok) return view;
      if (!view.value.canRunCommand('state.ops')) return proposalForbidden();
    }
    return this.proposals.commit(req);
  }

  /**
   * Appends a turn's durable events besides its commit (`turn_final`, `commit_failed`,
   * `turn_cancelled`) with envelope `turn_id`/`session_id`; refused (409) once the turn ended.
   */
  appendTurnEvents(
    turn: TurnRef,
    actor: Actor,
    events: ReadonlyArray<{ type: EventType; payload: object }>,
  ): Promise<Result<{ cursor: string; seq: number }>> {
    return this.turnEvents.append(turn, actor, events);
  }

  /** Publishes a turn's telemetry (`model_status`, `chat_token`); false once the turn ended. */
  publishTurnTelemetry(turn: TurnRef, actor: Actor, type: EventType, payload: object): boolean {
    return this.turnEvents.telemetry(turn, actor, type, payload);
  }

  /** Snapshots every loaded canvas and stops timers. Spine and bus stay open (the caller's). */
  async close(): Promise<void> {
    this.turnRecords.close();
    this.offBroadcast();
    this.busDown?.close();
    this.changes?.close();
    await this.canvases.close();
  }

  private cursorOf(canvas: CanvasDoc): string | null {
    return canvas.lastSeq > 0 ? encodeCursor({ epoch: this.spine.epoch, seq: canvas.lastSeq }) : null;
  }

  private async viewFor(p: Principal, scope: Scope): Promise<Result<LensView>> {
    if (scope.tenant_id !== p.tenantId)
      return fail('tenant_mismatch', `scope tenant_id '${scope.tenant_id}' is not the token's tenant`);
    return this.guard(async () => ok(await this.lens.view(partitionId(scope), p.roles)));
  }

  private projectPartition(p: Principal, projectId: string): Result<PartitionId> {
    if (!slugSchema.safeParse(projectId).success) {
      return fail('validation_failed', 'project_id: must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$', {
        issues: [{ path: 'project_id', message: 'must be a slug' }],
      });
    }
    return ok(`${p.tenantId}/${projectId}`);
  }

  /**
   * Reads a canvas at a durable point: the read is taken synchronously, then the appends it
   * reflects are awaited; if one of them failed the canvas was discarded and is read again.
   */
  private async withDurableCanvas<T>(scope: Scope, read: (canvas: CanvasDoc) => T): Promise<Result<T>> {
    const canvasId = scope.canvas_id;
    if (canvasId === undefined) {
      return fail('validation_failed', 'scope.canvas_id: required', {
        issues: [{ path: 'scope.canvas_id', message: 'required' }],
      });
    }
    return this.guard(async () => {
      for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        const canvas = await this.canvases.getCurrent(partitionId(scope), canvasId);
        if (!canvas) return fail('not_found', `canvas '${canvasId}' does not exist`, { canvas_id: canvasId });
        const value = read(canvas);
        try {
          await canvas.appendChain;
          return ok(value);
        } catch {
          // An append it reflected failed: the canvas was discarded; read it again.
        }
      }
      return fail('unavailable', 'the canvas could not be read consistently; retry');
    });
  }

  /** Turns unexpected failures (storage down, unreadable history) into 503s. */
  private async guard<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await fn();
    } catch (err) {
      this.logger?.error({ err }, 'gateway core operation failed');
      return err instanceof CanvasRebuildError
        ? fail('unavailable', 'the canvas history could not be read; retry later')
        : fail('unavailable', 'storage is unavailable; retry');
    }
  }
}
