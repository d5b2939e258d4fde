import type { Actor, CanvasTypeManifest, JsonValue, PluginHealth, Scope } from '@easel/schemas';
import type { AnyEvent, CanvasTransport, ConnectionStatus, RealtimeClient, RealtimeEvent } from '@easel/transport';
import type { HarnessApi, LensMe } from '../api/HarnessApi.ts';
import type { HarnessError } from '../lib/HarnessResult.ts';
import type { PresenceSource } from '../provider/PresenceSource.ts';
import { CanvasStateStore } from './CanvasStateStore.ts';
import { ExternalStore } from './ExternalStore.ts';
import { type PresenceSnapshot, presenceSnapshot } from './presenceSnapshot.ts';
import { type JobView, reduceJobs, upsertJob } from './reduceJobs.ts';
import { mergeTurnHistory } from './mergeTurnHistory.ts';
import { type TurnEventLike, type TurnView, reduceTurns } from './reduceTurns.ts';
import { summarizeEvent } from './summarizeEvent.ts';
import type { TimelineEntry } from './TimelineEntry.ts';

/** `useCanvasMeta()`: what the stream said about the canvas. */
export interface CanvasMeta {
  readonly canvasId: string;
  readonly canvasType: string | null;
  readonly manifest: CanvasTypeManifest | null;
  readonly revision: number | null;
  /** True once the first CANVAS_READY arrived. */
  readonly ready: boolean;
}

/** The caller's lens: loading, known, or not knowable (then writes are assumed refused). */
export interface LensState {
  readonly status: 'loading' | 'ready' | 'error';
  readonly me: LensMe | null;
  readonly error: HarnessError | null;
}

/** A refused write (a local edit the gateway refused, or a command the harness sent for a canvas). */
export interface RejectedView {
  readonly code: string;
  readonly message: string;
  /** What was refused: `edit` (a local Yjs edit, reverted), `ops`, `token`, `commit`, `tool`. */
  readonly what: string;
  readonly at: number;
  /**
   * The surface that already shows this refusal beside the control that caused it (e.g.
   * `tool-pop`): other surfaces (CanvasHost's banner) do not repeat it. Absent: nobody does yet.
   */
  readonly shownBy?: string;
}

/** The last refused token write. */
export interface TokenErrorView {
  readonly tokenId: string;
  readonly code: string;
  readonly message: string;
}

export interface PluginsState {
  readonly plugins: readonly PluginHealth[];
  readonly loading: boolean;
  readonly error: HarnessError | null;
}

/** Most timeline entries kept (oldest dropped first). */
export const MAX_TIMELINE = 500;

/**
 * Every external store of one provider, fed by the transport, the realtime client, the API and
 * presence. `start()` subscribes (ref-counted, so React StrictMode's double effects are safe);
 * state accumulated so far is kept across stop/start.
 */
export class HarnessStores {
  readonly transport: CanvasTransport;
  readonly realtime: RealtimeClient | null;
  readonly api: HarnessApi;
  readonly presenceSource: PresenceSource | null;

  readonly status: ExternalStore<ConnectionStatus>;
  readonly canvasState: CanvasStateStore;
  readonly meta: ExternalStore<CanvasMeta>;
  readonly tokens: ExternalStore<Readonly<Record<string, JsonValue>>>;
  readonly lens = new ExternalStore<LensState>({ status: 'loading', me: null, error: null });
  readonly rejected = new ExternalStore<RejectedView | null>(null);
  readonly tokenError = new ExternalStore<TokenErrorView | null>(null);
  readonly timeline = new ExternalStore<readonly TimelineEntry[]>([]);
  readonly turns = new ExternalStore<readonly TurnView[]>([]);
  readonly jobs = new ExternalStore<readonly JobView[]>([]);
  readonly plugins = new ExternalStore<PluginsState>({ plugins: [], loading: true, error: null });
  readonly presence = new ExternalStore<PresenceSnapshot>({ status: 'idle', self: null, peers: [] });

  #starts = 0;
  #stop: Array<() => void> = [];
  #seen = new Set<string>();
  #seenOrder: string[] = [];
  #sequence = 0;
  #presenceStarted = false;
  #presenceWanted = false;
  #pluginsWanted = false;
  #pluginsRequested = false;
  #turnHistoryWanted = false;
  #turnHistoryRequested = false;
  /** The last job whose end reloaded the plugin list (both streams report it). */
  #pluginsReloadedFor: unknown = undefined;
  #lensRequest = 0;
  #pluginsRequest = 0;
  /** The stream was open once (a later `open` is a reconnect). */
  #everOpen = false;

  constructor(options: {
    transport: CanvasTransport;
    realtime?: RealtimeClient | null;
    api: HarnessApi;
    presence?: PresenceSource | null;
  }) {
    this.transport = options.transport;
    this.realtime = options.realtime ?? null;
    this.api = options.api;
    this.presenceSource = options.presence ?? null;
    this.status = new ExternalStore(options.transport.status);
    this.canvasState = new CanvasStateStore(options.transport);
    this.meta = new ExternalStore(this.#readMeta());
    this.tokens = new ExternalStore(options.transport.tokens);
  }

  /** Subscribes to every source; returns the matching stop. */
  start(options: { connect: boolean }): () => void {
    this.#starts += 1;
    if (this.#starts === 1) this.#subscribe(options.connect);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.#starts -= 1;
      if (this.#starts === 0) {
        for (const stop of this.#stop.splice(0)) stop();
        this.#pluginsRequested = false;
        this.#turnHistoryRequested = false;
        if (this.#presenceStarted) {
          this.#presenceStarted = false;
          this.presenceSource?.leave();
        }
      }
    };
  }

  /** Joins presence (first `usePresence` subscriber); idempotent. */
  ensurePresence(): void {
    this.#presenceWanted = true;
    const source = this.presenceSource;
    // A child's effect may run before the provider started (its layout effect): presence then starts with it.
    if (source === null || this.#presenceStarted || this.#starts === 0) return;
    this.#presenceStarted = true;
    const refresh = () => this.presence.set(presenceSnapshot(source, this.presence.value));
    const offPeers = source.onPeers(refresh);
    const offStatus = source.onStatus(refresh);
    // Join visible (actor filled in from the token), unless the app already set a state.
    void Promise.resolve(source.join(source.local === null ? {} : undefined)).then(refresh, refresh);
    refresh();
    this.#stop.push(offPeers, offStatus);
  }

  /**
   * Loads the plugin list once the provider runs (first `usePlugins` subscriber); idempotent. A
   * page that shows no plugin surface sends no `GET /v1/plugins` at mount, where it would compete
   * with the canvas stream's first response.
   */
  ensurePlugins(): void {
    this.#pluginsWanted = true;
    // A child's effect may run before the provider started: the list is then loaded at the start.
    if (this.#starts === 0 || this.#pluginsRequested) return;
    this.#pluginsRequested = true;
    this.reloadPlugins();
  }

  /**
   * Loads the canvas's recent turns once (first `useTurns` subscriber) and adds those this page
   * missed before the live ones (`mergeTurnHistory`); idempotent. Asked after the stream's first
   * answer is in hand, so it never competes with the canvas's first paint. A refusal leaves the
   * chat as the stream shows it.
   */
  ensureTurnHistory(): void {
    this.#turnHistoryWanted = true;
    if (this.#starts === 0 || this.#turnHistoryRequested) return;
    this.#turnHistoryRequested = true;
    const load = () => {
      void this.api.listTurns({ canvasId: this.transport.scope.canvas_id }).then((result) => {
        if (!result.ok) return;
        const events = result.value.events.map((entry) => entry.event as TurnEventLike);
        this.turns.update((live) => mergeTurnHistory(live, events));
      });
    };
    if (this.transport.manifest !== null) {
      load();
      return;
    }
    const off = this.transport.onReady(() => {
      off();
      load();
    });
    this.#stop.push(off);
  }

  /** Reloads the caller's lens (after `lens_changed`, or on demand). */
  reloadLens(): void {
    const request = ++this.#lensRequest;
    if (this.lens.value.me === null) this.lens.set({ status: 'loading', me: null, error: null });
    void this.api.lensMe().then((result) => {
      if (request !== this.#lensRequest) return;
      if (result.ok) this.lens.set({ status: 'ready', me: result.value, error: null });
      else this.lens.set({ status: 'error', me: null, error: result.error });
    });
  }

  /** Reloads the plugin list. */
  reloadPlugins(): void {
    const request = ++this.#pluginsRequest;
    this.plugins.set({ ...this.plugins.value, loading: true });
    void this.api.listPlugins().then((result) => {
      if (request !== this.#pluginsRequest) return;
      if (result.ok) this.plugins.set({ plugins: result.value, loading: false, error: null });
      else this.plugins.set({ ...this.plugins.value, loading: false, error: result.error });
    });
  }

  /** Records a refused write so the canvas and panels can show why. */
  reject(what: string, code: string, message: string, shownBy?: string): void {
    const at = Date.now();
    this.rejected.set(shownBy === undefined ? { what, code, message, at } : { what, code, message, at, shownBy });
  }

  /** Adds a job answer (`POST`/`GET /v1/jobs`) to the job list. */
  recordJob(response: Parameters<typeof upsertJob>[1]): void {
    this.jobs.update((jobs) => upsertJob(jobs, response, new Date().toISOString()));
  }

  #readMeta(): CanvasMeta {
    const t = this.transport;
    return {
      canvasId: t.scope.canvas_id,
      canvasType: t.canvasType,
      manifest: t.manifest,
      revision: t.revision,
      ready: t.manifest !== null,
    };
  }

  #subscribe(connect: boolean): void {
    const t = this.transport;
    const stops = this.#stop;
    stops.push(this.canvasState.start());
    stops.push(
      t.onStatus((status) => {
        const was = this.status.value;
        this.status.set(status);
        if (status === 'open' && was !== 'open') this.#onReopen();
      }),
    );
    this.status.set(t.status);
    if (t.status === 'open') this.#everOpen = true;
    const refreshMeta = () => {
      const next = this.#readMeta();
      const cur = this.meta.value;
      if (
        cur.canvasType !== next.canvasType ||
        cur.manifest !== next.manifest ||
        cur.revision !== next.revision ||
        cur.ready !== next.ready
      )
        this.meta.set(next);
    };
    stops.push(t.onRevision(refreshMeta));
    stops.push(
      t.onReady((ready) => {
        refreshMeta();
        this.tokens.set(t.tokens);
        if ((ready as { reason?: string }).reason === 'lens_changed') this.reloadLens();
      }),
    );
    refreshMeta();
    stops.push(t.onTokens((tokens) => this.tokens.set(tokens)));
    this.tokens.set(t.tokens);
    stops.push(t.onRejected((r) => this.reject('edit', r.code, r.message)));
    stops.push(t.onEvent('*', (event) => this.#onEvent(event, 'canvas')));
    if (this.realtime !== null) {
      stops.push(this.realtime.onMessage('*', (message) => this.#onEvent(message, 'realtime')));
    }
    this.reloadLens();
    if (this.#pluginsWanted) {
      this.#pluginsRequested = true;
      this.reloadPlugins();
    }
    if (this.#presenceWanted) this.ensurePresence();
    if (this.#turnHistoryWanted) this.ensureTurnHistory();
    if (connect) {
      t.connect();
      this.realtime?.connect();
    }
  }

  /**
   * The stream is open again: what was loaded over HTTP while the gateway was away failed with a
   * network error that stayed on screen under "Live" ("Plugins could not be listed" until Retry).
   * Reloads the plugin list (its states and counts also went stale) and a lens that failed.
   */
  #onReopen(): void {
    if (this.#pluginsRequested && (this.plugins.value.error !== null || this.#everOpen)) this.reloadPlugins();
    if (this.lens.value.status === 'error') this.reloadLens();
    this.#everOpen = true;
  }

  #onEvent(event: AnyEvent | RealtimeEvent, source: TimelineEntry['source']): void {
    const id = (event as { event_id?: string }).event_id;
    if (id !== undefined) {
      if (this.#seen.has(id)) return;
      this.#seen.add(id);
      this.#seenOrder.push(id);
      if (this.#seenOrder.length > MAX_TIMELINE * 4) this.#seen.delete(this.#seenOrder.shift()!);
    }
    const e = event as {
      type: string;
      timestamp?: string;
      actor?: Actor;
      durable?: boolean;
      scope?: Partial<Scope>;
      turn_id?: string;
      causation_id?: string;
      payload: Record<string, unknown>;
    };
    const payload = e.payload ?? {};
    this.#sequence += 1;
    const entry: TimelineEntry = {
      key: id ?? `local-${this.#sequence}`,
      type: e.type,
      timestamp: e.timestamp ?? new Date().toISOString(),
      actor: e.actor ?? null,
      durable: e.durable ?? null,
      scope: e.scope ?? null,
      turnId: e.turn_id ?? (typeof payload.turn_id === 'string' ? payload.turn_id : null),
      summary: summarizeEvent(e.type, payload),
      payload,
      source,
    };
    this.timeline.update((entries) => {
      const next = [...entries, entry];
      return next.length > MAX_TIMELINE ? next.slice(next.length - MAX_TIMELINE) : next;
    });
    // Turns and jobs about this canvas (or, from the realtime stream, any that name no other canvas).
    const canvasId = e.scope?.canvas_id;
    if (source === 'canvas' || canvasId === undefined || canvasId === this.transport.scope.canvas_id) {
      const typed = { ...e, payload };
      this.turns.update((turns) => reduceTurns(turns, typed));
      this.jobs.update((jobs) => reduceJobs(jobs, typed));
    }
    if (e.type === 'plugin_status') this.#applyPluginStatus(payload);
    else if (e.type === 'job_completed') this.#reloadPluginsAfterJob(payload.job_id);
  }

  /**
   * A finished job changed its plugins' call counts (`success_count`, `error_count`), which
   * `plugin_status` does not carry: the shown list is reloaded once per job, when it is shown.
   */
  #reloadPluginsAfterJob(jobId: unknown): void {
    if (!this.#pluginsRequested || (jobId !== undefined && jobId === this.#pluginsReloadedFor)) return;
    this.#pluginsReloadedFor = jobId;
    this.reloadPlugins();
  }

  #applyPluginStatus(payload: Record<string, unknown>): void {
    const name = payload.name;
    if (typeof name !== 'string') return;
    const state = payload.state as PluginHealth['state'];
    const reason = typeof payload.reason === 'string' ? payload.reason : undefined;
    this.plugins.update((current) => {
      const index = current.plugins.findIndex((p) => p.name === name);
      const base: PluginHealth =
        index >= 0 ? current.plugins[index]! : { name, state, success_count: 0, error_count: 0 };
      const { reason: _old, ...rest } = base;
      const next: PluginHealth = reason === undefined ? { ...rest, state } : { ...rest, state, reason };
      const plugins = index >= 0 ? current.plugins.map((p, i) => (i === index ? next : p)) : [...current.plugins, next];
      return { ...current, plugins };
    });
  }
}
