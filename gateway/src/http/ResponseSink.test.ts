import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedBatch } from '../core/fanout/SharedBatch.ts';
import { FlushScheduler } from './FlushScheduler.ts';
import { ResponseSink } from './ResponseSink.ts';

/** A real server whose responses become sinks; `open()` connects a real client and returns its sink and received text. */
async function harness() {
  const scheduler = new FlushScheduler();
  const waiting: Array<(opened: { sink: ResponseSink; res: http.ServerResponse }) => void> = [];
  const server = http.createServer((_req, res) => waiting.shift()?.({ sink: new ResponseSink(res, scheduler), res }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const clients: http.ClientRequest[] = [];
  const open = async () => {
    const openedP = new Promise<{ sink: ResponseSink; res: http.ServerResponse }>((resolve) => waiting.push(resolve));
    const received = { text: '', response: null as http.IncomingMessage | null };
    const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      received.response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received.text += chunk;
      });
    });
    req.on('error', () => {});
    clients.push(req);
    const opened = await openedP;
    return { sink: opened.sink, serverResponse: opened.res, received };
  };
  const close = async () => {
    for (const c of clients) c.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { open, close };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('ResponseSink', () => {
  it('[CONTRACT 4] writeBytes goes out after the text queued before it and before the text after it', async () => {
    const h = await harness();
    cleanup = h.close;
    const client = await h.open();
    const big = `{"text":"${'ü'.repeat(40_000)}"}`;
    const batch = new SharedBatch();
    batch.append(': shared\n\n', 0);
    client.sink.writeShared(batch, ': shared\n\n');
    client.sink.write('event: CANVAS_READY\ndata: ');
    client.sink.writeBytes(Buffer.from(big));
    client.sink.write('\n\n');
    client.sink.writeBytes(Buffer.from('abc'));
    const expected = `: shared\n\nevent: CANVAS_READY\ndata: ${big}\n\nabc`;
    await until(() => client.received.text.length >= expected.length);
    expect(client.received.text).toBe(expected);
  });

  it('[CONTRACT 4] sinks sharing a batch each receive exactly their own frames, in order', async () => {
    const h = await harness();
    cleanup = h.close;
    const clients = await Promise.all([h.open(), h.open(), h.open()]);
    // op: which clients get frame n (bitmask), and whether client 2 gets a private write first
    const ops = fc.sample(fc.tuple(fc.integer({ min: 1, max: 7 }), fc.boolean()), { numRuns: 60, seed: 7 });
    const expected = ['', '', ''];
    let batch = new SharedBatch();
    ops.forEach(([mask, privateWrite], n) => {
      if (n % 20 === 19) batch = new SharedBatch(); // a new cycle
      if (privateWrite) {
        const text = `: private ${n}\n\n`;
        clients[2]!.sink.write(text);
        expected[2] += text;
      }
      const frame = `id: ${n}\ndata: ${'x'.repeat(n % 7)}\n\n`;
      batch.append(frame, n);
      for (let c = 0; c < 3; c++) {
        if (!(mask & (1 << c))) continue;
        clients[c]!.sink.writeShared(batch, frame);
        expected[c] += frame;
      }
    });
    await until(() => clients.every((c, i) => c.received.text.length >= expected[i]!.length));
    expect(clients.map((c) => c.received.text)).toEqual(expected);
  });

  it('[CONTRACT 4] buffered bytes count what the client has not taken, and fall to 0 once it has', async () => {
    const h = await harness();
    cleanup = h.close;
    const { sink, received } = await h.open();
    const frame = `data: ${'y'.repeat(1000)}\n\n`;
    const batch = new SharedBatch();
    for (let i = 0; i < 10; i++) {
      batch.append(frame, i);
      sink.writeShared(batch, frame);
    }
    expect(sink.bufferedBytes()).toBe(10 * frame.length);
    expect(sink.bufferedBytesBound()).toBeGreaterThanOrEqual(sink.bufferedBytes());
    await until(() => received.text.length === 10 * frame.length);
    await until(() => sink.bufferedBytes() === 0);
  });

  it('[CONTRACT 4] drained() waits while a stalled client pushes back, resolves once it reads, and leaves no listener behind', async () => {
    const h = await harness();
    cleanup = h.close;
    const { sink, serverResponse: server, received } = await h.open();
    sink.write(': open\n\n');
    await until(() => received.response !== null);
    const res = received.response as http.IncomingMessage;
    res.pause(); // the client stops reading
    // Fill the kernel's buffers until the response itself holds bytes (bounded: at most 32 MB).
    const chunk = `data: ${'z'.repeat(256 * 1024)}\n\n`;
    for (let i = 0; i < 128 && sink.bufferedBytes() < 1024 * 1024; i++) {
      sink.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(sink.bufferedBytes()).toBeGreaterThanOrEqual(1024 * 1024);
    const listenersBefore = server.listenerCount('drain');
    let resolved = 0;
    // a replay re-checking on a timer asks many times: one shared wait
    const waits = Array.from({ length: 50 }, () => sink.drained().then(() => resolved++));
    expect(server.listenerCount('drain')).toBeLessThanOrEqual(listenersBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resolved).toBe(0);
    res.resume();
    await Promise.all(waits);
    expect(resolved).toBe(50);
    expect(sink.bufferedBytes()).toBe(0);
    expect(server.listenerCount('drain')).toBeLessThanOrEqual(listenersBefore);
  });

  it('[CONTRACT 4] a flush hands the socket one whole HTTP chunk per subscriber; the stream still parses and ends cleanly', async () => {
    const h = await harness();
    cleanup = h.close;
    const { sink, serverResponse, received } = await h.open();
    sink.write(': open\n\n');
    await until(() => received.text === ': open\n\n');
    const socket = serverResponse.socket as import('node:net').Socket;
    const writes: Buffer[] = [];
    const original = socket.write;
    socket.write = function (this: import('node:net').Socket, ...args: Parameters<typeof original>) {
      const chunk = args[0];
      writes.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return original.apply(this, args);
    } as typeof original;
    const batch = new SharedBatch();
    const frames = ['id: 1\ndata: {"a":"é"}\n\n', 'id: 2\ndata: {}\n\n'];
    for (const [i, frame] of frames.entries()) {
      batch.append(frame, i);
      sink.writeShared(batch, frame);
    }
    sink.flush();
    const body = Buffer.from(frames.join(''));
    // one write: "<hex size>\r\n<frames>\r\n" (res.write would make four: size, CRLF, data, CRLF)
    expect(writes.map((w) => w.toString())).toEqual([`${body.length.toString(16)}\r\n${frames.join('')}\r\n`]);
    sink.write(': private\n\n');
    sink.flush();
    expect(writes).toHaveLength(2);
    let ended = false;
    (received.response as http.IncomingMessage).on('end', () => {
      ended = true;
    });
    sink.close('shutdown');
    await until(() => ended);
    expect(received.text).toBe(`: open\n\n${frames.join('')}: private\n\n`);
  });
});
