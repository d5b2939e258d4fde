import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';

/** A frame the gateway sent on a presence socket, decoded. */
export type PresenceFrame =
  | { kind: 'authenticated'; document: string; scope: string }
  | { kind: 'denied'; document: string; reason: string }
  | { kind: 'awareness'; document: string; entries: Array<{ clientId: number; clock: number; state: unknown }> }
  | { kind: 'sync_status'; document: string; saved: boolean }
  | { kind: 'sync'; document: string; step: number; payload: Uint8Array }
  | { kind: 'close'; document: string; reason: string }
  | { kind: 'other'; document: string; type: number };

const MSG = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  close: 7,
  syncStatus: 8,
  broadcastStateless: 6,
} as const;

/**
 * A raw presence client for tests: speaks just enough of the Hocuspocus protocol (auth, sync
 * step 1, awareness and document updates) over `ws`, and records every frame the gateway sends
 * (no provider, no Y.Doc: it can send what a real provider never would).
 */
export class PresenceSocket {
  readonly frames: PresenceFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(decodeFrame(new Uint8Array(data)));
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of [...this.waiters]) wake();
      });
    });
    ws.on('error', () => {});
  }

  static open(url: string, timeoutMs = 5000): Promise<PresenceSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new PresenceSocket(ws);
      const timer = setTimeout(() => reject(new Error(`no WebSocket open within ${timeoutMs} ms`)), timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  auth(document: string, ticket: string): void {
    this.send(
      frame(document, MSG.auth, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarString(e, ticket);
      }),
    );
  }

  syncStep1(document: string): void {
    this.send(
      frame(document, MSG.sync, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint8Array(e, new Uint8Array([0])); // empty state vector
      }),
    );
  }

  /** A Yjs document update upstream (sync message type 2): the gateway must refuse it. */
  docUpdate(document: string, update: Uint8Array): void {
    this.send(
      frame(document, MSG.sync, (e) => {
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint8Array(e, update);
      }),
    );
  }

  awareness(document: string, entries: Array<{ clientId: number; clock: number; state: unknown }>): void {
    this.send(awarenessFrame(document, entries));
  }

  broadcastStateless(document: string, payload: string): void {
    this.send(frame(document, MSG.broadcastStateless, (e) => encoding.writeVarString(e, payload)));
  }

  /** Resolves with the first frame (from `from` on) that `match` accepts; rejects after `timeoutMs`. */
  waitFor<T extends PresenceFrame>(match: (f: PresenceFrame) => f is T, timeoutMs?: number, from?: number): Promise<T>;
  waitFor(match: (f: PresenceFrame) => boolean, timeoutMs?: number, from?: number): Promise<PresenceFrame>;
  waitFor(match: (f: PresenceFrame) => boolean, timeoutMs = 5000, from = 0): Promise<PresenceFrame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.slice(from).find(match);
        if (found) {
          finish();
          resolve(found);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          finish();
          reject(new Error(`socket closed; frames: ${JSON.stringify(this.frames.map((f) => f.kind))}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.kind))}`),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Authenticates `document` with `ticket`; resolves with the answer (authenticated or denied). */
  async authenticate(document: string, ticket: string): Promise<PresenceFrame> {
    const from = this.frames.length;
    this.auth(document, ticket);
    return this.waitFor(
      (f) => (f.kind === 'authenticated' || f.kind === 'denied') && f.document === document,
      5000,
      from,
    );
  }

  /** The latest state each client id had in the awareness frames received so far. */
  awarenessStates(document: string): Map<number, unknown> {
    const states = new Map<number, unknown>();
    for (const f of this.frames) {
      if (f.kind !== 'awareness' || f.document !== document) continue;
      for (const entry of f.entries) {
        if (entry.state === null) states.delete(entry.clientId);
        else states.set(entry.clientId, entry.state);
      }
    }
    return states;
  }

  close(): void {
    this.ws.close();
  }
}

/** An awareness frame (what a provider sends for its client). */
export function awarenessFrame(
  document: string,
  entries: Array<{ clientId: number; clock: number; state: unknown }>,
): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(update, entry.clientId);
    encoding.writeVarUint(update, entry.clock);
    encoding.writeVarString(update, typeof entry.state === 'string' ? entry.state : JSON.stringify(entry.state));
  }
  return frame(document, MSG.awareness, (e) => encoding.writeVarUint8Array(e, encoding.toUint8Array(update)));
}

function frame(document: string, type: number, body: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, document);
  encoding.writeVarUint(e, type);
  body(e);
  return encoding.toUint8Array(e);
}

function decodeFrame(data: Uint8Array): PresenceFrame {
  const d = decoding.createDecoder(data);
  const document = decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  switch (type) {
    case MSG.auth: {
      const sub = decoding.readVarUint(d);
      const text = decoding.readVarString(d);
      return sub === 2 ? { kind: 'authenticated', document, scope: text } : { kind: 'denied', document, reason: text };
    }
    case MSG.awareness: {
      const u = decoding.createDecoder(decoding.readVarUint8Array(d));
      const n = decoding.readVarUint(u);
      const entries: Array<{ clientId: number; clock: number; state: unknown }> = [];
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(u);
        const clock = decoding.readVarUint(u);
        entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(u)) });
      }
      return { kind: 'awareness', document, entries };
    }
    case MSG.syncStatus:
      return { kind: 'sync_status', document, saved: decoding.readVarUint(d) === 1 };
    case MSG.sync:
    case 4: {
      const step = decoding.readVarUint(d);
      return { kind: 'sync', document, step, payload: decoding.readVarUint8Array(d) };
    }
    case MSG.close:
      return { kind: 'close', document, reason: decoding.readVarString(d) };
    default:
      return { kind: 'other', document, type };
  }
}
