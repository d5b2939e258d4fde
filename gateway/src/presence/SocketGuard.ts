import { type ActorKind, awarenessStateSchema, type PresenceCloseReason } from '@easel/schemas';
import type { ClientIdClaimer } from './ClientIdClaimer.ts';
import {
  type AwarenessEntry,
  HOCUSPOCUS_MESSAGE,
  isAuthBody,
  isSyncBody,
  readAwarenessBody,
  readFrameHead,
  writeAwarenessFrame,
} from './presenceFrames.ts';
import { jsonShapeProblem } from '../core/json/jsonShapeProblem.ts';
import { TokenBucket } from './TokenBucket.ts';

/** Who a document of a socket was authenticated as (from its ticket). */
export interface GuardIdentity {
  readonly actorId: string;
  readonly kind: ActorKind;
}

/** Per-connection limits. Defaults suit a 30 Hz cursor; see each field. */
export interface GuardLimits {
  /** Awareness updates per second per document connection; excess is coalesced (latest wins). Default 30. */
  awarenessHz?: number;
  /** Awareness updates that may come at once before coalescing starts. Default 30. */
  awarenessBurst?: number;
  /**
   * Other messages (sync, queries) per second per socket, dropped messages and WebSocket pings and
   * pongs included; a socket over budget is closed. Default 20.
   */
  messageHz?: number;
  /** Other messages that may come at once. Default 60. */
  messageBurst?: number;
  /** Documents one socket may open. Default 8. */
  maxDocuments?: number;
  /** Messages of a document accepted before its ticket is checked (Hocuspocus queues them). Default 16. */
  maxPendingMessages?: number;
  /**
   * Bytes of those messages a socket may send, all its documents together. Hocuspocus keeps a
   * document's queue as long as the document's connection (a refused one's as long as the
   * socket): a socket over it is closed `rate_limited`. Default 256 KiB.
   */
  maxPendingBytes?: number;
  /** Longest awareness state (JSON characters). Default 65 536. */
  maxStateChars?: number;
}

/** What the guard did with one message (counted in metrics). */
export type GuardOutcome =
  | 'awareness_accepted'
  | 'awareness_coalesced'
  | 'awareness_invalid'
  | 'awareness_foreign'
  | 'message_dropped';

/** The guard's ties to its socket and Hocuspocus. */
export interface SocketGuardOptions {
  /** Hands a message to Hocuspocus. */
  deliver(data: Uint8Array): void;
  /** The live awareness states of a document on this node (`clientID → state`), if loaded. */
  liveStates(document: string): ReadonlyMap<number, unknown> | undefined;
  /**
   * Which actor each awareness client id of a document is bound to (shared by the sockets of a
   * node): an id stays its actor's for a while after its connection went, so another actor cannot
   * take it while its owner reconnects. Default none (only live states are checked). When its
   * answer is a promise (claims shared by the nodes), the update waits for it, and so does the
   * connection's next one (the latest), then both are checked as usual.
   */
  claims?: ClientIdClaimer;
  /** Closes the socket. */
  close(reason: PresenceCloseReason): void;
  count?(outcome: GuardOutcome): void;
  limits?: GuardLimits;
  /** Clock, ms. Default `performance.now`. */
  now?: () => number;
  /** Timers. Default the globals. */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

interface DocGuard {
  phase: 'pending' | 'authorized' | 'refused';
  authSeen: boolean;
  pending: number;
  /** Bytes delivered while pending (Hocuspocus keeps them queued). */
  pendingBytes: number;
  identity: GuardIdentity | null;
  /** The awareness client id this connection speaks for (claimed by its first valid state). */
  clientId: number | null;
  bucket: TokenBucket;
  /** The latest awareness frame held back by the rate limit. */
  held: Uint8Array | null;
  timer: unknown;
  /** A claim of a client id being checked (asynchronously); its update waits for the answer. */
  checking: ClaimCheck | null;
}

/** A client id a connection asked to claim, whose answer is awaited. */
interface ClaimCheck {
  readonly clientId: number;
  /** The update that asked (its entries for `clientId` only). */
  readonly frame: Uint8Array;
  /** The latest awareness update that came meanwhile, checked after the answer. */
  next: { data: Uint8Array; bodyOffset: number } | null;
  /** Asks again later when the claim could not be checked. */
  retry: unknown;
}

/** How long a connection waits before asking again about a claim that could not be checked, ms. */
const CLAIM_RETRY_MS = 1000;

/** Message types passed on to Hocuspocus once a document is authorized (awareness aside). */
const PASSED_TYPES: ReadonlySet<number> = new Set([
  HOCUSPOCUS_MESSAGE.sync,
  HOCUSPOCUS_MESSAGE.queryAwareness,
  HOCUSPOCUS_MESSAGE.syncReply,
  HOCUSPOCUS_MESSAGE.close,
]);

const DEFAULTS = {
  awarenessHz: 30,
  awarenessBurst: 30,
  messageHz: 20,
  messageBurst: 60,
  maxDocuments: 8,
  maxPendingMessages: 16,
  maxPendingBytes: 256 * 1024,
  maxStateChars: 65_536,
} satisfies Required<GuardLimits>;

/**
 * Stands between one presence WebSocket and Hocuspocus (contract §7). Before a document's ticket
 * is checked only its auth message and a few queued messages pass. After, awareness updates
 * must speak for one client id of this connection, with states that satisfy
 * `awarenessStateSchema` and name the ticket's actor; others' entries (a provider echoes what it
 * hears) are removed, invalid updates dropped. Awareness is rate-limited per connection and
 * coalesced (the latest held-back update is sent when the budget allows: cursors never stick
 * at an old position). Stateless broadcasts are dropped; other messages have a budget whose
 * excess closes the socket (`rate_limited`). Dropped messages and WebSocket control frames
 * ({@link control}: pings, which `ws` answers with a pong by itself, and pongs) take from that
 * budget too: nothing a client sends is free to repeat.
 */
export class SocketGuard {
  readonly #options: SocketGuardOptions;
  readonly #limits: Required<GuardLimits>;
  readonly #docs = new Map<string, DocGuard>();
  readonly #now: () => number;
  readonly #timers: NonNullable<SocketGuardOptions['timers']>;
  readonly #messages: TokenBucket;
  /** Frames already checked: Hocuspocus re-emits what it queued while a connection was set up. */
  readonly #checked = new WeakSet<Uint8Array>();
  /** Bytes Hocuspocus holds queued for this socket's documents. */
  #pendingBytes = 0;
  #closed = false;

  constructor(options: SocketGuardOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULTS, ...options.limits };
    this.#now = options.now ?? (() => performance.now());
    this.#timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    this.#messages = new TokenBucket(this.#limits.messageHz, this.#limits.messageBurst, this.#now());
  }

  /** True once some document of this socket was authenticated. */
  get authorized(): boolean {
    for (const doc of this.#docs.values()) if (doc.phase === 'authorized') return true;
    return false;
  }

  /** The ticket of `document` was accepted: its messages are checked against `identity` from now on. */
  authorize(document: string, identity: GuardIdentity): void {
    const doc = this.#doc(document);
    if (doc === null) return;
    doc.phase = 'authorized';
    doc.identity = identity;
  }

  /** The ticket of `document` was refused: its messages are dropped. Returns whether any document is still authorized. */
  refuse(document: string): boolean {
    const doc = this.#doc(document);
    if (doc !== null) {
      this.#release(doc);
      doc.phase = 'refused';
    }
    return this.authorized;
  }

  /** The connection of `document` ended (provider detached, or closed by the gateway). */
  forget(document: string): void {
    const doc = this.#docs.get(document);
    if (doc === undefined) return;
    this.#release(doc);
    this.#unclaim(document, doc);
    // Hocuspocus dropped the document's queue with its connection.
    this.#pendingBytes -= doc.pendingBytes;
    this.#docs.delete(document);
  }

  /** The socket closed: timers stop, nothing more is delivered. */
  dispose(): void {
    this.#closed = true;
    for (const [document, doc] of this.#docs) {
      this.#release(doc);
      this.#unclaim(document, doc);
    }
    this.#docs.clear();
  }

  /**
   * A WebSocket ping or pong came on the socket: taken from the message budget, a socket over it
   * is closed `rate_limited` (else a client makes the server answer pongs as fast as it pings).
   */
  control(): void {
    if (this.#closed) return;
    this.#spend();
  }

  /** One incoming frame: delivered to Hocuspocus, held back, or dropped. */
  handle(data: Uint8Array): void {
    if (this.#closed) return;
    if (this.#checked.has(data)) {
      this.#options.deliver(data);
      return;
    }
    const head = readFrameHead(data);
    if (head === null) {
      this.#shut('protocol_error');
      return;
    }
    const doc = this.#doc(head.document);
    if (doc === null) {
      this.#shut('protocol_error');
      return;
    }
    if (doc.phase === 'refused') {
      this.#drop();
      return;
    }
    if (doc.phase === 'pending') {
      if (head.type === HOCUSPOCUS_MESSAGE.auth && !doc.authSeen) {
        if (!isAuthBody(data, head.bodyOffset)) {
          this.#shut('protocol_error');
          return;
        }
        doc.authSeen = true;
        this.#options.deliver(data);
      } else if (head.type !== HOCUSPOCUS_MESSAGE.auth && doc.pending < this.#limits.maxPendingMessages) {
        // Queued by Hocuspocus until the ticket is checked, then re-emitted and checked here;
        // the queue is kept as long as the connection, so its bytes count against the socket.
        if (this.#pendingBytes + data.byteLength > this.#limits.maxPendingBytes) {
          this.#shut('rate_limited');
          return;
        }
        doc.pending += 1;
        doc.pendingBytes += data.byteLength;
        this.#pendingBytes += data.byteLength;
        this.#options.deliver(data);
      } else this.#drop();
      return;
    }
    if (head.type === HOCUSPOCUS_MESSAGE.awareness) {
      this.#awareness(doc, head.document, data, head.bodyOffset);
      return;
    }
    if (!PASSED_TYPES.has(head.type)) {
      // Stateless messages (broadcast or not), a second auth (tickets are not refreshed on a
      // connection), sync statuses and unknown types: nothing Hocuspocus should act on.
      this.#drop();
      return;
    }
    if (
      (head.type === HOCUSPOCUS_MESSAGE.sync || head.type === HOCUSPOCUS_MESSAGE.syncReply) &&
      !isSyncBody(data, head.bodyOffset)
    ) {
      // Hocuspocus would throw on it (a stack trace in the log) and close the document.
      this.#shut('protocol_error');
      return;
    }
    if (!this.#spend()) return;
    this.#pass(data);
  }

  #awareness(doc: DocGuard, document: string, data: Uint8Array, bodyOffset: number): void {
    if (doc.checking !== null) {
      // Checked once the claim's answer came (latest wins, like the rate limit).
      doc.checking.next = { data, bodyOffset };
      return;
    }
    const entries = readAwarenessBody(data, bodyOffset);
    if (entries === null) {
      this.#count('awareness_invalid');
      return;
    }
    const own: AwarenessEntry[] = [];
    for (const entry of entries) {
      if (doc.clientId !== null ? entry.clientId !== doc.clientId : !this.#claimable(doc, document, entry.clientId)) {
        continue; // another client's entry (an echo of what this provider heard): not this connection's to say
      }
      if (!this.#validState(doc, entry.state)) {
        this.#count('awareness_invalid');
        return;
      }
      if (doc.clientId === null) {
        if (entry.state === 'null') continue;
        const answer = this.#claim(doc, document, entry.clientId);
        if (answer === false) continue;
        if (answer !== true) {
          // Asked elsewhere: this entry waits for the answer, the others are not this connection's.
          this.#check(doc, document, entry.clientId, writeAwarenessFrame(document, [entry]), answer);
          return;
        }
      }
      own.push(entry);
    }
    if (own.length === 0) {
      this.#count('awareness_foreign');
      return;
    }
    this.#offer(doc, own.length === entries.length ? data : writeAwarenessFrame(document, own));
  }

  /** An update of this connection's client id: passed now, or held back by the rate limit. */
  #offer(doc: DocGuard, frame: Uint8Array): void {
    if (doc.held !== null || !doc.bucket.take(this.#now())) {
      if (doc.held !== null) this.#count('awareness_coalesced');
      doc.held = frame;
      this.#schedule(doc);
      return;
    }
    this.#count('awareness_accepted');
    this.#pass(frame);
  }

  /** A client id no live state holds, or one whose live state is this actor's (a reconnect). */
  #claimable(doc: DocGuard, document: string, clientId: number): boolean {
    const live = this.#options.liveStates(document)?.get(clientId);
    if (live === undefined || live === null) return true;
    const actor = (live as { actor?: { id?: unknown } }).actor;
    return actor?.id === doc.identity?.actorId;
  }

  /**
   * Makes `clientId` this connection's, unless it is bound to another actor; a promise when the
   * answer must be awaited (see {@link ClientIdClaimer.claim}).
   */
  #claim(doc: DocGuard, document: string, clientId: number): boolean | Promise<boolean | null> {
    const claims = this.#options.claims;
    const answer = claims === undefined ? true : claims.claim(document, clientId, doc.identity!.actorId);
    if (answer === true) doc.clientId = clientId;
    return answer;
  }

  /** Waits for the answer about `clientId`; `frame` (its update) goes on if it is this connection's. */
  #check(doc: DocGuard, document: string, clientId: number, frame: Uint8Array, answer: Promise<boolean | null>): void {
    const check: ClaimCheck = { clientId, frame, next: null, retry: null };
    doc.checking = check;
    const actorId = doc.identity!.actorId;
    const settle = (claimed: boolean | null) => {
      if (doc.checking !== check || this.#closed) {
        // The connection went meanwhile: the claim it got is not used.
        if (claimed === true) this.#options.claims?.release(document, clientId, actorId);
        return;
      }
      if (claimed === null) {
        check.retry = this.#timers.setTimeout(() => {
          check.retry = null;
          if (doc.checking !== check || this.#closed) return;
          const again = this.#options.claims!.claim(document, clientId, actorId);
          void Promise.resolve(again).then(settle, () => settle(null));
        }, CLAIM_RETRY_MS);
        return;
      }
      doc.checking = null;
      if (claimed) {
        doc.clientId = clientId;
        this.#offer(doc, check.frame);
      } else this.#count('awareness_foreign');
      if (check.next !== null) this.#awareness(doc, document, check.next.data, check.next.bodyOffset);
    };
    answer.then(settle, () => settle(null));
  }

  #unclaim(document: string, doc: DocGuard): void {
    if (doc.checking !== null) {
      if (doc.checking.retry !== null) this.#timers.clearTimeout(doc.checking.retry);
      doc.checking = null;
    }
    if (doc.clientId === null || doc.identity === null) return;
    this.#options.claims?.release(document, doc.clientId, doc.identity.actorId);
    doc.clientId = null;
  }

  #validState(doc: DocGuard, text: string): boolean {
    if (text === 'null') return true;
    if (text.length > this.#limits.maxStateChars || doc.identity === null) return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    // Nesting within the size limit can still be deep enough to overflow the stack of whatever
    // re-serializes the state for the other peers (extra fields are passed on as they are).
    if (jsonShapeProblem(value) !== null) return false;
    const parsed = awarenessStateSchema.safeParse(value);
    return (
      parsed.success && parsed.data.actor.id === doc.identity.actorId && parsed.data.actor.kind === doc.identity.kind
    );
  }

  #schedule(doc: DocGuard): void {
    if (doc.timer !== null) return;
    const wait = Math.max(1, doc.bucket.msUntilNext(this.#now()));
    doc.timer = this.#timers.setTimeout(() => {
      doc.timer = null;
      const held = doc.held;
      if (held === null || this.#closed || doc.phase !== 'authorized') return;
      if (!doc.bucket.take(this.#now())) {
        this.#schedule(doc);
        return;
      }
      doc.held = null;
      this.#count('awareness_accepted');
      this.#pass(held);
    }, wait);
  }

  #doc(document: string): DocGuard | null {
    let doc = this.#docs.get(document);
    if (doc === undefined) {
      if (this.#docs.size >= this.#limits.maxDocuments) return null;
      doc = {
        phase: 'pending',
        authSeen: false,
        pending: 0,
        pendingBytes: 0,
        identity: null,
        clientId: null,
        bucket: new TokenBucket(this.#limits.awarenessHz, this.#limits.awarenessBurst, this.#now()),
        held: null,
        timer: null,
        checking: null,
      };
      this.#docs.set(document, doc);
    }
    return doc;
  }

  #release(doc: DocGuard): void {
    if (doc.timer !== null) this.#timers.clearTimeout(doc.timer);
    doc.timer = null;
    doc.held = null;
  }

  #pass(data: Uint8Array): void {
    this.#checked.add(data);
    this.#options.deliver(data);
  }

  /** Counts a dropped message against the message budget (dropping costs little, but not nothing). */
  #drop(): void {
    this.#count('message_dropped');
    this.#spend();
  }

  /** Takes one message from the budget; false (and the socket closed `rate_limited`) when it is spent. */
  #spend(): boolean {
    if (this.#messages.take(this.#now())) return true;
    this.#shut('rate_limited');
    return false;
  }

  #count(outcome: GuardOutcome): void {
    this.#options.count?.(outcome);
  }

  #shut(reason: PresenceCloseReason): void {
    if (this.#closed) return;
    this.dispose();
    this.#options.close(reason);
  }
}
