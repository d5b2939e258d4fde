import type {
  CanvasReadyPayload,
  CanvasScope,
  CanvasTypeManifest,
  CommandOf,
  CommandType,
  EventType,
  JsonValue,
  Scope,
  StateOp,
} from '@easel/schemas';
import { EVENT_PAYLOAD_GUARDS } from '@easel/schemas/guards';
import type * as Y from 'yjs';
import { ChatClient } from './agents/ChatClient.ts';
import type { Turn } from './agents/Turn.ts';
import type { CommandError } from './commands/CommandError.ts';
import { type BatchCommand, CommandSender, type SendOptions, type SentCommand } from './commands/CommandSender.ts';
import { type AwaitCursorOptions, CursorWaiter } from './commands/CursorWaiter.ts';
import type { ConnectionStatus } from './connection/ConnectionMachine.ts';
import type { BackoffTier } from './connection/backoff.ts';
import { Listeners } from './lib/Listeners.ts';
import { afterPaint } from './lib/afterPaint.ts';
import { type Result, err, ok } from './lib/Result.ts';
import { type Deps, type DepsOptions, resolveDeps } from './lib/deps.ts';
import { loadAnswerGuards } from './lib/validation.ts';
import type { TokenSource } from './lib/token.ts';
import { LocalEdits, type RejectedEdit } from './local/LocalEdits.ts';
import { CanvasMirror, type MirrorView } from './mirror/CanvasMirror.ts';
import { RealtimeClient } from './realtime/RealtimeClient.ts';
import { Presence } from './presence/Presence.ts';
import { JobsClient } from './jobs/JobsClient.ts';
import { PluginsClient } from './plugins/PluginsClient.ts';
import { RunsClient } from './runs/RunsClient.ts';
import { scopeQuery } from './scopeQuery.ts';
import { type ProtocolError, SseReader } from './sse/SseReader.ts';
import { type AnyEvent, type EventOf, envelopeParsing } from './sse/parseEnvelope.ts';

/**
 * The stream is (re)connecting: a command that got no answer waits for it (each in the waiter set
 * `#online` until woken, when the stream is open or has stopped trying, or until its wait ends at
 * `requestTimeoutMs` after it was sent: see `RequestJsonOptions.whenOnline`).
 */
const waiting = (s: ConnectionStatus) => s === 'connecting' || s === 'reconnecting' || s === 'offline';

export interface CanvasTransportOptions extends DepsOptions {
  /** Gateway origin, e.g. `http://127.0.0.1:8080` (a trailing slash is ignored). */
  baseUrl: string;
  /**
   * Bearer token, or a function returning one (called before every connection attempt and
   * command, and again after a 401, so it can refresh). Example: `() => auth.getToken()`.
   */
  token: TokenSource;
  /** The canvas this transport mirrors; every command carries this scope. */
  scope: CanvasScope;
  /** Resume position (a cursor saved from an earlier session); default: fresh snapshot. */
  cursor?: string | null;
  /** Reconnect when the stream was silent this long (keep-alives come every 15 s). Default 45 000 ms. */
  idleTimeoutMs?: number;
  /** Attempts per command on network errors, 429 and 503 (default 6). */
  commandAttempts?: number;
  /**
   * Abort one command HTTP attempt after this long and retry it (default 30 000 ms). Also how long
   * after it was sent a command may wait for a reconnecting stream to come back (README, Errors).
   */
  requestTimeoutMs?: number;
  /** Backoff tiers for reconnects and command retries (default `BACKOFF_TIERS`). */
  tiers?: readonly BackoffTier[];
  /** Consecutive failures after which `status` reads `offline` (default 3). */
  offlineAfter?: number;
  /**
   * Paint first (default: on where `requestAnimationFrame` exists, i.e. browsers; off in Node).
   * The stream asks for `?paint=state`: the first snapshot then carries the JSON `state`, readable
   * at once as `stateJson`, and the Yjs `update` comes in the frame right after it
   * (`CANVAS_READY_UPDATE`). The update frame is kept unparsed until after the next paint (two
   * animation frames, then a task: parsing it must not delay the paint of `state`) or until a later
   * frame arrives (live events are never held back, e.g. in a hidden tab, which paints nothing); `update` is then decoded into `doc` after one more paint, or at once when
   * `doc` is read (a local edit reads it) or a `state_patch` arrives. `onHydrated` tells when `doc` holds it. Until that frame arrived `doc` is still empty
   * (edit after `onHydrated`); a stream that ends between the two frames reconnects without a
   * cursor, for a fresh snapshot.
   */
  paintFirst?: boolean;
}

/** A command with the rest of its fields left to the transport. */
export type SendPayload<T extends CommandType> = CommandOf<T>['payload'];

/**
 * The single Easel client (browsers and Node): a canvas stream (SSE over fetch, resumable,
 * deduplicated), a local `Y.Doc` + token mirror, typed idempotent commands, and local Yjs
 * edits sent upstream with rollback on refusal. See README.md.
 */
export class CanvasTransport {
  readonly scope: CanvasScope;
  readonly #options: CanvasTransportOptions;
  readonly #deps: Deps;
  readonly #baseUrl: string;
  readonly #mirror: CanvasMirror;
  readonly #reader: SseReader<AnyEvent>;
  readonly #sender: CommandSender;
  readonly #waiter: CursorWaiter;
  readonly #local: LocalEdits;
  readonly #protocolErrors = new Listeners<[ProtocolError]>();
  #presence: Presence | null = null;
  readonly #chat: ChatClient;
  #runs: RunsClient | null = null;
  #jobs: JobsClient | null = null;
  #plugins: PluginsClient | null = null;
  /** Commands waiting for the reconnecting stream (see `waiting`). */
  readonly #online = new Listeners<[]>();

  constructor(options: CanvasTransportOptions) {
    this.#options = options;
    this.scope = { ...options.scope };
    this.#deps = resolveDeps(options);
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    const paintFirst = options.paintFirst ?? typeof requestAnimationFrame === 'function';
    const defer = paintFirst ? (run: () => void) => afterPaint(run, this.#deps.timers) : undefined;
    this.#mirror = new CanvasMirror({
      logger: this.#deps.logger,
      onProblem: (message) => {
        this.#protocolErrors.emit({ reason: 'bad_event', message: `${message}; resyncing` });
        // The mirror missed state (an update that does not apply): only a fresh snapshot repairs it.
        this.#reader.resync();
      },
      defer,
    });
    const canvasPath = `/v1/canvases/${encodeURIComponent(this.scope.canvas_id)}/events?${scopeQuery(this.scope)}${paintFirst ? '&paint=state' : ''}`;
    this.#reader = new SseReader<AnyEvent>({
      deps: this.#deps,
      baseUrl: this.#baseUrl,
      token: options.token,
      path: () => canvasPath,
      ...envelopeParsing(this.#deps.validate),
      onEvent: (event, cursor) => this.#mirror.apply(event, cursor),
      onProtocolError: (error) => this.#protocolErrors.emit(error),
      // A durable event of a type the mirror knows that does not parse: the mirror misses it.
      knownTypes: EVENT_PAYLOAD_GUARDS,
      defer,
      cursor: options.cursor,
      idleTimeoutMs: options.idleTimeoutMs,
      tiers: options.tiers,
      offlineAfter: options.offlineAfter,
    });
    this.#sender = new CommandSender({
      deps: this.#deps,
      baseUrl: this.#baseUrl,
      token: options.token,
      scope: () => this.scope,
      maxAttempts: options.commandAttempts,
      requestTimeoutMs: options.requestTimeoutMs,
      tiers: options.tiers,
      whenOnline: (wake) => (waiting(this.status) ? this.#online.add(wake) : null),
    });
    this.#reader.onStatus((status) => waiting(status) || this.#online.emit());
    this.#waiter = new CursorWaiter(this.#mirror, this.#deps.timers);
    this.#local = new LocalEdits({ mirror: this.#mirror, sender: this.#sender, deps: this.#deps });
    // Built at once, so that turns started by anyone are heard from the first event on.
    this.#chat = new ChatClient({
      send: (type, payload, sendOptions) => this.#sender.send(type, payload, sendOptions),
      onEvent: (listener) => this.#mirror.onEvent('*', listener),
      awaitCursor: (cursor, waitOptions) => this.#waiter.wait(cursor, waitOptions),
    });
  }

  // ── connection ────────────────────────────────────────────────────────────

  /** Opens the canvas stream (and reconnects on its own until `close()`). */
  connect(): this {
    // Commands answer soon: have their validators at hand before the first answer comes.
    this.#sender.reopen();
    this.#reader.start();
    if (this.#deps.validate !== 'full') loadAnswerGuards().catch(() => undefined);
    return this;
  }

  /** Closes the stream, aborts commands in flight and ends pending waits. */
  close(): void {
    this.#reader.close();
    this.#sender.close();
    this.#waiter.close();
    this.#presence?.leave();
    this.#chat.close();
    this.#runs?.close();
  }

  get status(): ConnectionStatus {
    return this.#reader.status;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#reader.onStatus(listener);
  }

  /**
   * Resolves with the CANVAS_READY payload once the mirror holds a snapshot (at once if it does): a
   * CANVAS_READY whose snapshot did not apply does not count (it is reported and resynced; see
   * `onProtocolError`), the fresh one does.
   */
  ready(options: { timeoutMs?: number } = {}): Promise<Result<CanvasReadyPayload, CommandError>> {
    const current = this.#mirror.ready;
    if (current) return Promise.resolve(ok(current));
    return new Promise((resolve) => {
      const finish = (result: Result<CanvasReadyPayload, CommandError>) => {
        offReady();
        offStatus();
        this.#deps.timers.clearTimeout(timer);
        resolve(result);
      };
      // A refusal ends the wait (`closed` only once it was waiting: ready() may come before connect()).
      const refused = (status: ConnectionStatus, waiting: boolean) => {
        const code =
          status === 'unauthorized'
            ? 'unauthenticated'
            : status === 'forbidden' || (waiting && status === 'closed')
              ? status
              : null;
        // (The reader's message of a refusal starts with the gateway's code: the code once.)
        if (code) finish(err({ code, message: this.#failureMessage().replace(`${code}: `, '') }));
      };
      const offReady = this.#mirror.onReady((payload) => finish(ok(payload)));
      const offStatus = this.#reader.onStatus((status) => refused(status, true));
      const timer = this.#deps.timers.setTimeout(
        () => finish(err({ code: 'timeout', message: `no CANVAS_READY in time (${this.#failureMessage()})` })),
        options.timeoutMs ?? 15_000,
      );
      refused(this.status, false);
    });
  }

  // ── mirror ────────────────────────────────────────────────────────────────

  /**
   * The local document. Replaced by a new one on a reset or a refused local edit: see `onDoc`.
   * With paint first, reading it applies a snapshot that waits (see `stateJson`) at once: to
   * render, read `stateJson` first.
   *
   * Paint first, snapshot in two frames: between the CANVAS_READY (JSON `state`) and its
   * CANVAS_READY_UPDATE (the Yjs `update`), `doc` is **empty** while `stateJson` is non-null —
   * reading `doc` cannot hydrate it yet. Do not edit it then: an edit that looks at the document
   * (set a key if it is missing, insert after a block) would see nothing and conflict with the
   * snapshot. Check after reading `doc`: if `stateJson` is still non-null, wait for `onHydrated`
   * (it fires once `doc` holds the snapshot; a later snapshot applied whole fires `onReady`).
   *
   * @example
   * const edit = (doc: Y.Doc) => doc.getMap('notes').set('title', 'Launch');
   * const doc = transport.doc;
   * if (transport.stateJson === null) doc.transact(() => edit(doc));
   * else { const off = transport.onHydrated(() => { off(); transport.doc.transact(() => edit(transport.doc)); }); }
   */
  get doc(): Y.Doc {
    return this.#mirror.doc;
  }

  /**
   * Paint first (see `paintFirst`): the snapshot's JSON `{<root>: JSON}` while `doc` does not hold
   * it yet; null before CANVAS_READY and once `doc` does (then read `doc`).
   */
  get stateJson(): Readonly<Record<string, JsonValue>> | null {
    return this.#mirror.state;
  }

  /**
   * `doc` holds the snapshot now (`stateJson` turned null): paint first, after the snapshot's
   * update was applied (after the next paint, or at once when `doc` is read once it arrived). The
   * time to make edits that were held while `doc` was empty (see `doc`). Not fired when paint first
   * is off, nor for a later snapshot applied whole (`onReady`/`onDoc` then).
   */
  onHydrated(listener: () => void): () => void {
    return this.#mirror.onHydrated(listener);
  }

  get tokens(): Readonly<Record<string, JsonValue>> {
    return this.#mirror.tokens;
  }

  /**
   * The canvas revision of the state the mirror holds: set by a snapshot and by each event (null
   * before the first). A resumed stream's CANVAS_READY (no snapshot) carries the canvas's current
   * revision but leaves this one to the replayed events, so it never goes back.
   */
  get revision(): number | null {
    return this.#mirror.revision;
  }

  /** The position of the last applied event; save it to resume a later session. */
  get cursor(): string | null {
    return this.#mirror.cursor;
  }

  get manifest(): CanvasTypeManifest | null {
    return this.#mirror.manifest;
  }

  get canvasType(): string | null {
    return this.#mirror.canvasType;
  }

  /** `full` (Yjs state), `projection` (JSON of readable roots: no local Yjs edits) or `none` yet. */
  get view(): MirrorView {
    return this.#mirror.view;
  }

  /** Local edits not yet confirmed by the gateway. */
  get pendingLocalEdits(): number {
    return this.#local.pendingCount;
  }

  /** Frames delivered, replays skipped, protocol errors, stream opens. */
  get streamCounts(): Readonly<{ delivered: number; duplicates: number; protocolErrors: number; opens: number }> {
    return this.#reader.counts;
  }

  onDoc(listener: (doc: Y.Doc, previous: Y.Doc) => void): () => void {
    return this.#mirror.onDoc(listener);
  }

  onToken(tokenId: string, listener: (value: JsonValue | undefined, tokenId: string) => void): () => void {
    return this.#mirror.onToken(tokenId, listener);
  }

  onTokens(listener: (tokens: Readonly<Record<string, JsonValue>>) => void): () => void {
    return this.#mirror.onTokens(listener);
  }

  onRevision(listener: (revision: number) => void): () => void {
    return this.#mirror.onRevision(listener);
  }

  /** A CANVAS_READY was applied (never one whose snapshot did not apply: see `ready()`). */
  onReady(listener: (payload: CanvasReadyPayload) => void): () => void {
    return this.#mirror.onReady(listener);
  }

  /** Events of one type (all, telemetry included, with `'*'`), after the mirror applied them. */
  onEvent<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  onEvent(type: '*' | (string & {}), listener: (event: AnyEvent) => void): () => void;
  onEvent(type: string, listener: (event: never) => void): () => void {
    return this.#mirror.onEvent(type, listener as (event: AnyEvent) => void);
  }

  /** A local Yjs edit was refused and rolled back (with the reason). */
  onRejected(listener: (rejected: RejectedEdit) => void): () => void {
    return this.#local.onRejected(listener);
  }

  /**
   * A frame was skipped as malformed, or a stream oddity recovered from (never fatal; see
   * `ProtocolError`): a `message` ending in `; resyncing` means the mirror missed an event (a
   * durable frame of a known type that did not parse, a snapshot or patch that did not apply), so
   * the stream reconnects for a fresh snapshot; `frame_too_large` means it was broken off (it reconnects).
   */
  onProtocolError(listener: (error: ProtocolError) => void): () => void {
    return this.#protocolErrors.add(listener);
  }

  // ── commands ──────────────────────────────────────────────────────────────

  /** Sends one command with this transport's scope. Never rejects. */
  send<T extends CommandType>(
    type: T,
    payload: SendPayload<T>,
    options?: SendOptions,
  ): Promise<Result<SentCommand, CommandError>> {
    return this.#sender.send(type, payload, options);
  }

  /** `POST /v1/commands:batch` (up to 500): one outcome per command, in order. */
  batch(commands: readonly BatchCommand[]) {
    return this.#sender.batch(commands);
  }

  setToken(tokenId: string, value: JsonValue, options?: SendOptions) {
    return this.send('token.set', { token_id: tokenId, value } as SendPayload<'token.set'>, options);
  }

  deleteToken(tokenId: string, options?: SendOptions) {
    return this.send('token.delete', { token_id: tokenId }, options);
  }

  applyOps(ops: readonly StateOp[], options?: SendOptions) {
    return this.send('state.ops', { ops: [...ops] } as SendPayload<'state.ops'>, options);
  }

  commit(message: string, options?: SendOptions) {
    return this.send('canvas.commit', { message } as SendPayload<'canvas.commit'>, options);
  }

  revert(revision: number, options?: SendOptions) {
    return this.send('canvas.revert', { revision } as SendPayload<'canvas.revert'>, options);
  }

  createCanvas(canvasType: string, title?: string, options?: SendOptions) {
    // (`title: undefined` is left out of the request body by JSON.stringify.)
    return this.send('canvas.create', { canvas_type: canvasType, title } as SendPayload<'canvas.create'>, options);
  }

  /** Read-your-writes: resolves once the mirror applied an event at or after `cursor`. Never rejects. */
  awaitCursor(cursor: string, options?: AwaitCursorOptions): Promise<Result<string, CommandError>> {
    return this.#waiter.wait(cursor, options);
  }

  /** Sends queued local edits now and resolves once none is queued or in flight. */
  flushLocalEdits(): Promise<void> {
    this.#local.flush();
    return this.#local.idle();
  }

  /**
   * Presence on this canvas (contract §7): `join()`, `setLocal(state)`, `peers()` / `onPeers`,
   * `leave()`. Created on first use; its WebSocket opens on `join()` only.
   */
  get presence(): Presence {
    this.#presence ??= new Presence({
      deps: this.#deps,
      baseUrl: this.#baseUrl,
      token: this.#options.token,
      scope: this.scope,
    });
    return this.#presence;
  }

  // ── agents, runs, jobs, plugins ──────────────────────────────────────────

  /**
   * Agent turns on this canvas (contract §4 chat group, §5 `chat.send` / `turn.cancel`):
   * `chat.send(text)` → a {@link Turn} (streamed tokens, final text, commit outcome, `cancel()`);
   * `chat.onTurn(listener)` for turns started by anyone. Built on this transport's canvas stream.
   */
  get chat(): ChatClient {
    return this.#chat;
  }

  /** Every turn on this canvas, whoever started it (same as `chat.onTurn`). */
  onTurn(listener: (turn: Turn) => void): () => void {
    return this.#chat.onTurn(listener);
  }

  /** Agent runs (contract §10) in this scope: `runs.create(task)`, `runs.open(runId)`, `runs.get(runId)`. */
  get runs(): RunsClient {
    this.#runs ??= new RunsClient({
      ...this.#apiContext(),
      scope: () => this.scope,
      idleTimeoutMs: this.#options.idleTimeoutMs,
      tiers: this.#options.tiers,
    });
    return this.#runs;
  }

  /** Jobs (contract §9) in this scope: `jobs.create(request)`, `jobs.get(jobId)`. */
  get jobs(): JobsClient {
    this.#jobs ??= new JobsClient({ ...this.#apiContext(), scope: () => this.scope });
    return this.#jobs;
  }

  /** Plugins (contract §9): `list()`, `health(name)`, `inspect(name)`, `invoke(name, tool, input)`. */
  get plugins(): PluginsClient {
    this.#plugins ??= new PluginsClient({ ...this.#apiContext(), scope: () => this.scope });
    return this.#plugins;
  }

  #apiContext() {
    return {
      deps: this.#deps,
      baseUrl: this.#baseUrl,
      token: this.#options.token,
      requestTimeoutMs: this.#options.requestTimeoutMs,
    };
  }

  /** The project's unified timeline (`/v1/realtime`) for `scope` (default: this scope without the canvas). */
  realtime(scope?: Omit<Scope, 'canvas_id'>): RealtimeClient {
    const { canvas_id: _canvas, ...rest } = this.scope;
    return new RealtimeClient({
      deps: this.#deps,
      baseUrl: this.#baseUrl,
      token: this.#options.token,
      scope: scope ?? rest,
      idleTimeoutMs: this.#options.idleTimeoutMs,
    });
  }

  #failureMessage(): string {
    const failure = this.#reader.machine.lastFailure;
    return failure ? (failure.message ?? failure.kind) : `status ${this.status}`;
  }
}
