import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection, Document } from '@hocuspocus/server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { coalesceAwareness } from './coalesceAwareness.ts';
import { readAwarenessBody, readFrameHead } from './presenceFrames.ts';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real server-side socket and the client that receives what it sends. */
async function socketPair(): Promise<{ server: WebSocket; request: IncomingMessage; received: Uint8Array[] }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<[WebSocket, IncomingMessage]>((resolve) =>
    wss.once('connection', (ws, req) => resolve([ws, req])),
  );
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const received: Uint8Array[] = [];
  client.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  const [server, request] = await accepted;
  closers.push(() => {
    client.terminate();
    wss.close();
    http.close();
  });
  return { server, request, received };
}

/**
 * Waits until `check` holds (bounded: a loaded machine may deliver late), then a short lull more,
 * so that a frame too many would be there too.
 */
async function arrived(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

const entriesOf = (frames: Uint8Array[]) =>
  frames.map((f) => readAwarenessBody(f, readFrameHead(f)!.bodyOffset)!.map((e) => [e.clientId, JSON.parse(e.state)]));

describe('coalesceAwareness', () => {
  it('[CONTRACT 7] sends one frame per event-loop turn with the latest states, to every connection', async () => {
    const document = new Document('acme/p1/c1');
    expect(coalesceAwareness(document)).toBe(true);
    const a = await socketPair();
    const b = await socketPair();
    new Connection(a.server as never, a.request, document, 'a', {});
    new Connection(b.server as never, b.request, document, 'b', {});
    const peer = new Awareness(new Y.Doc());
    for (let x = 1; x <= 10; x++) {
      peer.setLocalState({ cursor: { x } });
      applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(peer, [peer.clientID]), a.server);
    }
    await arrived(() => a.received.length > 0 && b.received.length > 0);
    expect(entriesOf(a.received)).toEqual([[[peer.clientID, { cursor: { x: 10 } }]]]);
    expect(entriesOf(b.received)).toEqual(entriesOf(a.received));
    // Hocuspocus's bookkeeping is kept: the client leaves with its connection.
    expect([...document.connections.get(a.server as never)!.clients]).toEqual([peer.clientID]);
    document.removeConnection(document.connections.get(a.server as never)!.connection);
    await arrived(() => !document.awareness.getStates().has(peer.clientID) && b.received.length > 1);
    expect(document.awareness.getStates().has(peer.clientID)).toBe(false);
    expect(entriesOf(b.received).at(-1)).toEqual([[peer.clientID, null]]);
    peer.destroy();
    document.destroy();
  });

  it('[CONTRACT 7] the latest connection to speak for a client id owns it: it leaves with that one, not the old one', async () => {
    const document = new Document('acme/p1/c1');
    expect(coalesceAwareness(document)).toBe(true);
    const a = await socketPair();
    const b = await socketPair();
    const ca = new Connection(a.server as never, a.request, document, 'a', {});
    const cb = new Connection(b.server as never, b.request, document, 'b', {});
    const peer = new Awareness(new Y.Doc());
    peer.setLocalState({ cursor: { x: 1 } });
    applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(peer, [peer.clientID]), a.server);
    // The same provider again on its new connection (the old one not yet noticed gone): `updated`.
    peer.setLocalState({ cursor: { x: 2 } });
    applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(peer, [peer.clientID]), b.server);
    document.removeConnection(ca);
    await new Promise((r) => setTimeout(r, 50)); // flushes
    expect(document.awareness.getStates().get(peer.clientID)).toEqual({ cursor: { x: 2 } });
    document.removeConnection(cb);
    await arrived(() => !document.awareness.getStates().has(peer.clientID));
    expect(document.awareness.getStates().has(peer.clientID)).toBe(false);
    peer.destroy();
    document.destroy();
  });

  it('[CONTRACT 7] a state set for a connection already gone is removed; removed ids leave no meta behind', async () => {
    const document = new Document('acme/p1/c1');
    expect(coalesceAwareness(document)).toBe(true);
    const a = await socketPair();
    const b = await socketPair();
    const ca = new Connection(a.server as never, a.request, document, 'a', {});
    new Connection(b.server as never, b.request, document, 'b', {});
    const peer = new Awareness(new Y.Doc());
    peer.setLocalState({ cursor: { x: 1 } });
    document.removeConnection(ca);
    // A message of `a` applied after its connection was removed (it came right before its close).
    applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(peer, [peer.clientID]), a.server);
    expect(document.awareness.getStates().has(peer.clientID)).toBe(true);
    await arrived(() => !document.awareness.getStates().has(peer.clientID));
    expect(document.awareness.getStates().has(peer.clientID)).toBe(false);
    expect(entriesOf(b.received).at(-1)).toEqual([[peer.clientID, null]]);
    expect(document.awareness.meta.has(peer.clientID)).toBe(false);
    peer.destroy();
    document.destroy();
  });

  it('leaves a document it does not recognize alone', () => {
    const document = new Document('d');
    document.awareness.on('update', () => {});
    expect(coalesceAwareness(document)).toBe(false);
    document.destroy();
  });
});
