import type { AwarenessState } from '@easel/schemas';
import type { LocalPresence, PresencePeer, PresenceStatus } from '@easel/transport';
import type { PresenceSource } from '../provider/PresenceSource.ts';
import type { RecordedPeer } from './Recording.ts';

export interface RecordedPresenceOptions {
  /** The others. */
  peers?: readonly RecordedPeer[];
  /** This tab's actor (default "You"). */
  self?: AwarenessState['actor'];
  /** Milliseconds between steps of peers' `path`s (default 600; 0 = no animation). */
  stepMs?: number;
}

/**
 * Presence replayed from a recording: implements {@link PresenceSource} without a WebSocket.
 * Peers with a `path` move along it while joined; `setPeers` replaces them (e.g. from a test).
 */
export class RecordedPresence implements PresenceSource {
  #status: PresenceStatus = 'idle';
  #peers: readonly PresencePeer[];
  #source: readonly RecordedPeer[];
  #local: AwarenessState | null = null;
  #draft: LocalPresence = {};
  #step = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #self: AwarenessState['actor'];
  readonly #stepMs: number;
  readonly #peerListeners = new Set<(peers: readonly PresencePeer[]) => void>();
  readonly #statusListeners = new Set<(status: PresenceStatus) => void>();

  constructor(options: RecordedPresenceOptions = {}) {
    this.#source = options.peers ?? [];
    this.#self = options.self ?? { id: 'you', kind: 'human', name: 'You', color: '#3451d1' };
    this.#stepMs = options.stepMs ?? 600;
    this.#peers = this.#build();
  }

  get status(): PresenceStatus {
    return this.#status;
  }

  get local(): AwarenessState | null {
    return this.#local;
  }

  peers(): readonly PresencePeer[] {
    return this.#peers;
  }

  onPeers(listener: (peers: readonly PresencePeer[]) => void): () => void {
    const entry = (peers: readonly PresencePeer[]) => listener(peers);
    this.#peerListeners.add(entry);
    return () => this.#peerListeners.delete(entry);
  }

  onStatus(listener: (status: PresenceStatus) => void): () => void {
    const entry = (status: PresenceStatus) => listener(status);
    this.#statusListeners.add(entry);
    return () => this.#statusListeners.delete(entry);
  }

  async join(initial?: LocalPresence | null): Promise<{ ok: true; value: undefined }> {
    if (initial !== undefined && initial !== null) this.#draft = initial;
    this.#local = this.#complete(this.#draft);
    this.#setStatus('joined');
    if (this.#timer === null && this.#stepMs > 0 && this.#source.some((p) => (p.path?.length ?? 0) > 1)) {
      this.#timer = setInterval(() => {
        this.#step += 1;
        this.#emitPeers();
      }, this.#stepMs);
    }
    this.#emitPeers();
    return { ok: true, value: undefined };
  }

  leave(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#setStatus('idle');
  }

  updateLocal(fields: Partial<LocalPresence>): { ok: true; value: undefined } {
    this.#draft = { ...this.#draft, ...fields };
    this.#local = this.#complete(this.#draft);
    this.#emitPeers();
    return { ok: true, value: undefined };
  }

  /** Replaces the others (e.g. to script a story step). */
  setPeers(peers: readonly RecordedPeer[]): void {
    this.#source = peers;
    this.#emitPeers();
  }

  #complete(draft: LocalPresence): AwarenessState {
    return { ...draft, actor: { ...this.#self, ...draft.actor } } as AwarenessState;
  }

  #build(): readonly PresencePeer[] {
    return this.#source.map((peer, i) => {
      const path = peer.path;
      const cursor = path && path.length > 0 ? path[this.#step % path.length]! : (peer.cursor ?? null);
      const state: AwarenessState = {
        actor: { ...peer.actor },
        cursor: cursor ? { x: cursor.x, y: cursor.y } : null,
        ...(peer.selection !== undefined ? { selection: peer.selection ? [...peer.selection] : null } : {}),
      };
      return { clientId: 1000 + i, state };
    });
  }

  #emitPeers(): void {
    this.#peers = this.#build();
    for (const listener of [...this.#peerListeners]) listener(this.#peers);
  }

  #setStatus(status: PresenceStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of [...this.#statusListeners]) listener(status);
  }
}
