import type {
  CanvasReadyPayload,
  CanvasTypeManifest,
  EventType,
  JsonValue,
  StatePatchPayload,
  TokenPatchPayload,
} from '@easel/schemas';
import { decodeCursor } from '@easel/schemas/guards';
import * as Y from 'yjs';
import { Listeners } from '../lib/Listeners.ts';
import { base64ToBytes, isBase64 } from '../lib/base64.ts';
import { errorMessage } from '../lib/errorMessage.ts';
import type { TransportLogger } from '../lib/deps.ts';
import type { AnyEvent, EventOf } from '../sse/parseEnvelope.ts';
import { applyProjection } from './applyProjection.ts';
import { REMOTE_ORIGIN, REPLAY_ORIGIN } from './origins.ts';

/**
 * What the mirror holds of the state: nothing yet, the full Yjs state (`update` snapshots and
 * patches), or JSON projections of the readable roots (a partial-lens viewer; local Yjs edits
 * cannot be sent from such a mirror).
 */
export type MirrorView = 'none' | 'full' | 'projection';

/** Local edits not yet confirmed by the gateway, re-applied when the document is rebuilt. */
export interface PendingLocalEdits {
  pending(): readonly Uint8Array[];
  /** After a rebuild: which of `pending()` could be re-applied (false: it was rolled back). */
  rebuilt(kept: readonly boolean[], reason: RebuildReason): void;
}

export type RebuildReason = 'reset' | 'snapshot' | 'refused';

export interface CanvasMirrorOptions {
  readonly logger?: TransportLogger;
  /**
   * A payload the mirror could not apply (bad base64, an update that does not integrate): it missed
   * state through it, which only a fresh snapshot repairs.
   */
  readonly onProblem?: (message: string) => void;
  /**
   * Paint first: when the first CANVAS_READY snapshot carries both `update` and the JSON `state`,
   * `state` is readable at once and `update` is applied to `doc` only when `hydrate` runs: this
   * function is handed it to call later (e.g. after the next paint); reading `doc` or a
   * `state_patch` runs it sooner. Without it, the snapshot is applied on arrival.
   */
  readonly defer?: (hydrate: () => void) => void;
}

/**
 * Confirmed updates kept as bytes at most (each is under the 64 KiB event limit, and the document
 * holds what they carry anyway); past this, the confirmed shadow is built.
 */
const MAX_LOG = 256;

/**
 * The local copy of one canvas: a `Y.Doc` (plus a shadow of what the gateway confirmed),
 * the token map, revision and cursor, fed by validated events.
 *
 * The confirmed shadow is lazy: while nothing needs it, it is the list of confirmed updates
 * (the snapshot's bytes, then `state_patch` and confirmed local updates), and a `Y.Doc` is
 * built from them only for a rebuild, for `confirmed`, or when the list grows large. So a
 * snapshot is decoded once, into the document, not a second time for the shadow.
 *
 * The document object: the first snapshot is applied into the initial `doc`. When the state
 * must be replaced — a `reset` or any later snapshot (lens change, resync), or a refused local
 * edit — a **new** `Y.Doc` is built from the confirmed shadow plus the local edits still
 * pending, and announced with `onDoc(doc, previous)`; the previous one is destroyed. Clearing
 * the old document in place cannot work with Yjs: its tombstones and client clocks would
 * reference history the gateway does not have, and later local updates would never integrate.
 */
export class CanvasMirror {
  #doc = new Y.Doc();
  /** The confirmed shadow once built; while null, the confirmed state is `#log` applied in order. */
  #confirmed: Y.Doc | null = null;
  #log: Uint8Array[] = [];
  #view: MirrorView = 'none';
  #snapshotApplied = false;
  /**
   * Paint first: the first snapshot's `update` (base64, not decoded yet either) and JSON `state`
   * while the update is not applied to the document; the bytes join the confirmed log once it is.
   */
  #deferred: { update: string | null; readonly state: Readonly<Record<string, JsonValue>> } | null = null;
  /**
   * Paint first, snapshot in two frames (`update_follows`): the revision whose CANVAS_READY_UPDATE
   * is awaited, and the CANVAS_READY itself when it is held until then (not painted from `state`).
   */
  #follows: { readonly revision: number; readonly held: AnyEvent | null } | null = null;
  #tokens: Record<string, JsonValue> = {};
  #revision: number | null = null;
  #cursor: string | null = null;
  #manifest: CanvasTypeManifest | null = null;
  #canvasType: string | null = null;
  #ready: CanvasReadyPayload | null = null;
  #local: PendingLocalEdits | null = null;
  readonly #options: CanvasMirrorOptions;
  readonly #docListeners = new Listeners<[Y.Doc, Y.Doc]>();
  readonly #tokenListeners = new Map<string, Listeners<[JsonValue | undefined, string]>>();
  readonly #tokensListeners = new Listeners<[Readonly<Record<string, JsonValue>>]>();
  readonly #revisionListeners = new Listeners<[number]>();
  readonly #cursorListeners = new Listeners<[string | null, boolean]>();
  readonly #readyListeners = new Listeners<[CanvasReadyPayload]>();
  readonly #hydratedListeners = new Listeners<[]>();
  readonly #eventListeners = new Map<string, Listeners<[AnyEvent]>>();

  constructor(options: CanvasMirrorOptions = {}) {
    this.#options = options;
  }

  /**
   * The local document (the snapshot is applied first if it waits: see `hydrate`); replaced on
   * reset or refusal (see `onDoc`). Paint first with `update_follows`: until the
   * CANVAS_READY_UPDATE arrived, it is still **empty** while `state` is non-null (reading it cannot
   * hydrate it yet); edits that depend on its content wait for `onHydrated`.
   */
  get doc(): Y.Doc {
    this.hydrate();
    return this.#doc;
  }

  /**
   * Paint first (see `defer`): the first snapshot's JSON `state` (`{<root>: JSON}`) while its
   * `update` is not applied to `doc` yet; null before and once it is (`onHydrated`).
   */
  get state(): Readonly<Record<string, JsonValue>> | null {
    // Kept with the bytes: a later CANVAS_READY (a resume carries no snapshot) does not change it.
    return this.#deferred?.state ?? null;
  }

  /**
   * Applies a snapshot `update` that waits (paint first) to `doc` now, then `onHydrated`; else
   * nothing (also while it has not arrived: `update_follows`, then `doc` is still empty).
   */
  hydrate(): void {
    const deferred = this.#deferred;
    if (!deferred || deferred.update === null) return;
    this.#deferred = null;
    const bytes = this.#decode(deferred.update);
    // Nothing reached the log meanwhile: whatever adds to it hydrates first (reads `doc`, `#materialize`).
    if (bytes && this.#safeApply(this.#doc, bytes, REMOTE_ORIGIN, SNAPSHOT)) this.#log.unshift(bytes);
    else {
      // (Reported: the transport resyncs. `onReady` fired for the painted `state`; `ready()` now waits.)
      this.#view = 'none';
      this.#ready = null;
    }
    this.#hydratedListeners.emit();
  }

  /** `doc` holds the first snapshot now (after `hydrate`): read `doc` instead of `state` from here on. */
  onHydrated(listener: () => void): () => void {
    return this.#hydratedListeners.add(listener);
  }

  /** The gateway-confirmed state only (no pending local edits). Read-only for callers. */
  get confirmed(): Y.Doc {
    return this.#materialize();
  }

  get view(): MirrorView {
    return this.#view;
  }

  get tokens(): Readonly<Record<string, JsonValue>> {
    return this.#tokens;
  }

  get revision(): number | null {
    return this.#revision;
  }

  /** The position of the last applied durable event (or of the last CANVAS_READY). */
  get cursor(): string | null {
    return this.#cursor;
  }

  get manifest(): CanvasTypeManifest | null {
    return this.#manifest;
  }

  get canvasType(): string | null {
    return this.#canvasType;
  }

  /** The last CANVAS_READY payload (null before the first, and after one whose snapshot did not apply). */
  get ready(): CanvasReadyPayload | null {
    return this.#ready;
  }

  /** Hooks the pending local edits in, so rebuilds keep them (one owner at a time). */
  attachLocal(local: PendingLocalEdits): () => void {
    this.#local = local;
    return () => {
      if (this.#local === local) this.#local = null;
    };
  }

  onDoc(listener: (doc: Y.Doc, previous: Y.Doc) => void): () => void {
    return this.#docListeners.add(listener);
  }

  /** One token's value changes (`undefined`: it left the readable set on a reset). */
  onToken(tokenId: string, listener: (value: JsonValue | undefined, tokenId: string) => void): () => void {
    let set = this.#tokenListeners.get(tokenId);
    if (!set) {
      set = new Listeners();
      this.#tokenListeners.set(tokenId, set);
    }
    const off = set.add(listener);
    return () => {
      off();
      if (set.size === 0) this.#tokenListeners.delete(tokenId);
    };
  }

  onTokens(listener: (tokens: Readonly<Record<string, JsonValue>>) => void): () => void {
    return this.#tokensListeners.add(listener);
  }

  onRevision(listener: (revision: number) => void): () => void {
    return this.#revisionListeners.add(listener);
  }

  /** The cursor moved; `reset` is true when it moved to another epoch through a reset. */
  onCursor(listener: (cursor: string | null, reset: boolean) => void): () => void {
    return this.#cursorListeners.add(listener);
  }

  onReady(listener: (payload: CanvasReadyPayload) => void): () => void {
    return this.#readyListeners.add(listener);
  }

  /** Every event of `type` (`'*'`: all), durable and telemetry, after it was applied. */
  onEvent<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  onEvent(type: '*' | (string & {}), listener: (event: AnyEvent) => void): () => void;
  onEvent(type: string, listener: (event: never) => void): () => void {
    let set = this.#eventListeners.get(type);
    if (!set) {
      set = new Listeners();
      this.#eventListeners.set(type, set);
    }
    return set.add(listener as (event: AnyEvent) => void);
  }

  /** Applies one validated event; `cursor` is its SSE id (null for telemetry and CANVAS_READY). */
  apply(event: AnyEvent, cursor: string | null): void {
    const changedTokens = new Map<string, JsonValue | undefined>();
    let revision: number | null = null;
    let cursorReset = false;
    const follows = this.#follows;
    this.#follows = null;
    switch (event.type) {
      case 'CANVAS_READY': {
        const payload = (event as EventOf<'CANVAS_READY'>).payload;
        const snapshot = payload.snapshot;
        if (snapshot?.update_follows) {
          // Paint from `state` now when nothing was applied before; else apply it whole with its update.
          const paint = (!this.#snapshotApplied || this.#deferred?.update === null) && this.#options.defer;
          this.#follows = { revision: payload.revision, held: paint ? null : event };
          if (!paint) return;
        }
        cursorReset = this.#applyReady(payload, changedTokens);
        // A resume (no snapshot) carries the canvas's current revision while the mirror's state is
        // still that of the cursor: the replay that follows brings the revisions in order.
        if (snapshot) revision = payload.revision;
        break;
      }
      case 'CANVAS_READY_UPDATE': {
        const payload = (event as EventOf<'CANVAS_READY_UPDATE'>).payload;
        // (The reader lets it through only right after the CANVAS_READY that announced it.)
        if (follows?.revision !== payload.revision) break;
        if (follows.held) {
          const ready = follows.held as EventOf<'CANVAS_READY'>;
          const { update_follows: _, ...snapshot } = ready.payload.snapshot!;
          this.apply(
            { ...ready, payload: { ...ready.payload, snapshot: { ...snapshot, update: payload.update } } },
            null,
          );
        } else if (this.#deferred?.update === null) {
          // Decoded (and reported if it does not apply) by `hydrate`, after the next paint or sooner.
          this.#deferred.update = payload.update;
          this.#options.defer?.(() => this.hydrate());
        }
        break;
      }
      case 'token_patch': {
        const payload = (event as EventOf<'token_patch'>).payload as TokenPatchPayload;
        if (this.#tokens[payload.token_id] !== payload.value || !Object.hasOwn(this.#tokens, payload.token_id)) {
          this.#tokens = { ...this.#tokens, [payload.token_id]: payload.value };
          changedTokens.set(payload.token_id, payload.value);
        }
        revision = payload.revision;
        break;
      }
      case 'state_patch': {
        this.hydrate();
        const payload = (event as EventOf<'state_patch'>).payload as StatePatchPayload;
        this.#applyPatch(payload);
        revision = payload.revision;
        break;
      }
      case 'canvas_created':
      case 'canvas_commit': {
        const payload = (event as EventOf<'canvas_commit'>).payload;
        revision = payload.revision;
        break;
      }
    }
    const previousCursor = this.#cursor;
    if (event.type === 'CANVAS_READY') this.#cursor = (event as EventOf<'CANVAS_READY'>).payload.cursor;
    else if (cursor !== null) this.#cursor = cursor;

    for (const [tokenId, value] of changedTokens) this.#tokenListeners.get(tokenId)?.emit(value, tokenId);
    if (changedTokens.size > 0) this.#tokensListeners.emit(this.#tokens);
    if (revision !== null && revision !== this.#revision) {
      this.#revision = revision;
      this.#revisionListeners.emit(revision);
    }
    // (Not for a snapshot that did not apply: `ready` is null until the fresh one, see `#applyReady`.)
    if (event.type === 'CANVAS_READY' && this.#ready === event.payload) this.#readyListeners.emit(this.#ready);
    this.#eventListeners.get(event.type)?.emit(event);
    this.#eventListeners.get('*')?.emit(event);
    if (this.#cursor !== previousCursor) this.#cursorListeners.emit(this.#cursor, cursorReset);
  }

  /**
   * Records a local update the gateway committed into the confirmed shadow (its echo will
   * bring the same items; Yjs ignores what it already has).
   */
  confirm(update: Uint8Array): void {
    this.#toConfirmed(update);
  }

  /**
   * Replaces the document with the confirmed state plus every pending local edit that still
   * integrates (an edit that depends on a rolled-back one is rolled back too).
   */
  rebuild(reason: RebuildReason): void {
    // The new document is built from the confirmed updates: a snapshot still waiting is among them
    // (one whose update has not come yet is applied into the new document when it comes).
    if (this.#deferred?.update !== null) this.#deferred = null;
    const pending = this.#local?.pending() ?? [];
    let base = this.#confirmed ? [Y.encodeStateAsUpdate(this.#confirmed)] : this.#log;
    const kept = pending.map(() => true);
    let doc = new Y.Doc();
    for (let round = 0; round <= pending.length; round++) {
      doc = new Y.Doc();
      // A confirmed update that does not apply (a bad snapshot) is reported once and dropped.
      base = base.filter((update) => this.#safeApply(doc, update, REMOTE_ORIGIN, CONFIRMED));
      if (!this.#confirmed) this.#log = base;
      let failed = -1;
      for (let i = 0; i < pending.length; i++) {
        if (!kept[i]) continue;
        const ok = this.#safeApply(doc, pending[i]!, REPLAY_ORIGIN, 'a pending local edit');
        if (!ok || doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
          failed = i;
          break;
        }
      }
      if (failed < 0) break;
      kept[failed] = false;
    }
    const previous = this.#doc;
    this.#doc = doc;
    this.#local?.rebuilt(kept, reason);
    this.#docListeners.emit(doc, previous);
    previous.destroy();
  }

  #applyReady(payload: CanvasReadyPayload, changedTokens: Map<string, JsonValue | undefined>): boolean {
    const previousEpoch = this.#cursor !== null ? epochOf(this.#cursor) : null;
    const nextEpoch = payload.cursor !== null ? epochOf(payload.cursor) : null;
    this.#ready = payload;
    this.#manifest = payload.manifest;
    this.#canvasType = payload.canvas_type;
    const snapshot = payload.snapshot;
    if (snapshot) {
      const next = snapshot.tokens;
      for (const id of Object.keys(this.#tokens)) if (!Object.hasOwn(next, id)) changedTokens.set(id, undefined);
      for (const [id, value] of Object.entries(next)) {
        if (!Object.hasOwn(this.#tokens, id) || this.#tokens[id] !== value) changedTokens.set(id, value);
      }
      this.#tokens = { ...next };
      const hadSnapshot = this.#snapshotApplied;
      this.#snapshotApplied = true;
      // A snapshot still waiting is superseded: never applied (not even into the shadow below).
      this.#deferred = null;
      this.#confirmed?.destroy();
      this.#confirmed = null;
      this.#log = [];
      // (Checked now, decoded later: a text that is not base64 is reported on arrival as always.)
      if (snapshot.update_follows) {
        // Paint first, the update in the next frame (`apply` checked that this snapshot may paint).
        this.#deferred = { update: null, state: snapshot.state ?? {} };
        this.#view = 'full';
      } else if (
        !hadSnapshot &&
        snapshot.update !== undefined &&
        snapshot.state &&
        this.#options.defer &&
        isBase64(snapshot.update)
      ) {
        // Paint first: `state` is shown until `hydrate` decodes and applies `update` (after the
        // next paint, or sooner); the base64 is not even decoded before the first paint.
        this.#deferred = { update: snapshot.update, state: snapshot.state };
        this.#view = 'full';
        this.#options.defer(() => this.hydrate());
      } else {
        const bytes = snapshot.update === undefined ? null : this.#decode(snapshot.update);
        if (bytes) this.#log = [bytes];
        const state = snapshot.update === undefined ? snapshot.state : undefined;
        if (state !== undefined) applyProjection(this.#materialize(), state, payload.manifest.roots, REMOTE_ORIGIN);
        this.#view = bytes ? 'full' : state !== undefined ? 'projection' : 'none';
        if (hadSnapshot) this.rebuild(payload.reset ? 'reset' : 'snapshot');
        // First load: into the initial document, so references taken before stay valid.
        else if (state !== undefined) applyProjection(this.#doc, state, payload.manifest.roots, REMOTE_ORIGIN);
        else if (bytes && !this.#safeApply(this.#doc, bytes, REMOTE_ORIGIN, SNAPSHOT)) this.#log = [];
        // A snapshot that did not apply (reported: the transport resyncs): no state, nothing ready.
        if (snapshot.update !== undefined && this.#log[0] !== bytes) {
          this.#view = 'none';
          this.#ready = null;
        }
      }
    }
    return previousEpoch !== null && nextEpoch !== null && previousEpoch !== nextEpoch;
  }

  #applyPatch(payload: StatePatchPayload): void {
    if (payload.update !== undefined) {
      const bytes = this.#decode(payload.update, 'state_patch update');
      if (bytes === null) return;
      if (this.#safeApply(this.#doc, bytes, REMOTE_ORIGIN, 'a state_patch')) this.#toConfirmed(bytes);
      if (this.#view === 'none') this.#view = 'full';
    } else if (payload.state !== undefined) {
      const roots = this.#manifest?.roots ?? {};
      applyProjection(this.#materialize(), payload.state, roots, REMOTE_ORIGIN);
      applyProjection(this.#doc, payload.state, roots, REMOTE_ORIGIN);
      if (this.#view === 'none') this.#view = 'projection';
    }
  }

  /** Adds a confirmed update to the shadow (or to the updates it will be built from). */
  #toConfirmed(update: Uint8Array): void {
    if (this.#confirmed) this.#safeApply(this.#confirmed, update, REMOTE_ORIGIN, CONFIRMED);
    else if (this.#log.push(update) > MAX_LOG) this.#materialize();
  }

  /** The confirmed shadow, built from the logged updates if it is not yet. */
  #materialize(): Y.Doc {
    if (!this.#confirmed) {
      this.hydrate();
      this.#confirmed = new Y.Doc();
      for (const update of this.#log) this.#safeApply(this.#confirmed, update, REMOTE_ORIGIN, CONFIRMED);
      this.#log = [];
    }
    return this.#confirmed;
  }

  /** The bytes of base64 `text`; null (reported) when it is not base64. */
  #decode(text: string, what = 'CANVAS_READY snapshot.update'): Uint8Array | null {
    const bytes = base64ToBytes(text);
    if (bytes === null) this.#problem(`${what} is not base64`);
    return bytes;
  }

  #safeApply(doc: Y.Doc, update: Uint8Array, origin: unknown, what: string): boolean {
    try {
      Y.applyUpdate(doc, update, origin);
      return true;
    } catch (error) {
      this.#problem(`${what} could not be applied: ${errorMessage(error)}`);
      return false;
    }
  }

  #problem(message: string): void {
    this.#options.logger?.warn?.(message);
    this.#options.onProblem?.(message);
  }
}

const CONFIRMED = 'a confirmed update';
const SNAPSHOT = 'the CANVAS_READY snapshot';

function epochOf(cursor: string): string | null {
  const decoded = decodeCursor(cursor);
  return decoded.ok ? decoded.value.epoch : null;
}
