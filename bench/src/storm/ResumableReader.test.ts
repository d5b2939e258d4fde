import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { markedValue } from '../lib/payload.ts';
import { ResumableReader } from './ResumableReader.ts';

/**
 * A real SSE server over loopback: `CANVAS_READY`, `retry: 20`, then the numbered `token_patch`
 * frames after the request's `Last-Event-ID` (`mode` `'resume'`), all of them (`'replay'`), or all
 * after it but one (`'skip'`). `drop()` cuts every open stream.
 */
function sseServer(mode: 'resume' | 'replay' | 'skip' = 'resume') {
  const log: number[] = [];
  const open = new Set<http.ServerResponse>();
  const lastIds: Array<string | undefined> = [];
  const frame = (seq: number) =>
    `id: e-${seq}\nevent: token_patch\ndata: {"payload":{"value":"${markedValue(seq, 'bench.a')}"}}\n\n`;
  const server = http.createServer((req, res) => {
    const last = req.headers['last-event-id'] as string | undefined;
    lastIds.push(last);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`retry: 20\n\nevent: CANVAS_READY\ndata: {"tokens":{"bench.a":"${markedValue(99, 'bench.a')}"}}\n\n`);
    const after = mode === 'replay' || last === undefined ? -1 : Number(last.slice(2));
    for (const seq of log) if (seq > after && !(mode === 'skip' && seq === after + 1)) res.write(frame(seq));
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  return {
    server,
    lastIds,
    async listen(port = 0): Promise<number> {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
    publish(seq: number) {
      log.push(seq);
      for (const res of open) res.write(frame(seq));
    },
    drop() {
      for (const res of open) res.socket?.destroy();
    },
    async stop() {
      this.drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const agent = new http.Agent({ keepAlive: false });
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ResumableReader: resumes like CanvasTransport and counts every numbered update', () => {
  it('[CONTRACT 6] a dropped stream is reopened with Last-Event-ID; every update counted once, in order', async () => {
    const sse = sseServer();
    const port = await sse.listen();
    cleanups.push(() => sse.stop());
    const reader = new ResumableReader(`http://127.0.0.1:${port}/events`, {}, agent);
    cleanups.push(() => reader.close());
    await reader.start();
    for (let seq = 0; seq < 5; seq++) sse.publish(seq);
    await until(() => reader.tally.next === 5, 'the first five');
    sse.drop();
    await until(() => !reader.tally.live, 'the drop');
    for (let seq = 5; seq < 10; seq++) sse.publish(seq);
    await until(() => reader.tally.next === 10, 'the rest after the resume');
    expect(sse.lastIds).toEqual([undefined, 'e-4']);
    expect(reader.tally).toMatchObject({
      next: 10,
      gaps: 0,
      duplicates: 0,
      reconnects: 1,
      failedAttempts: 0,
      resets: 0,
    });
  });

  it('a server that replays what was seen shows as duplicates; one that skips an event as a gap', async () => {
    for (const [mode, expected] of [
      ['replay', { duplicates: 6, gaps: 0 }],
      ['skip', { duplicates: 0, gaps: 1 }],
    ] as const) {
      const sse = sseServer(mode);
      const port = await sse.listen();
      const reader = new ResumableReader(`http://127.0.0.1:${port}/events`, {}, agent);
      await reader.start();
      for (let seq = 0; seq < 3; seq++) sse.publish(seq);
      await until(() => reader.tally.next === 3, 'the first three');
      for (let seq = 3; seq < 6; seq++) sse.publish(seq);
      await until(() => reader.tally.next === 6, 'the next three');
      sse.drop();
      sse.publish(6);
      sse.publish(7);
      await until(() => reader.tally.reconnects === 1 && reader.tally.next === 8, `the resume (${mode})`);
      expect(reader.tally, mode).toMatchObject(expected);
      reader.close();
      await sse.stop();
    }
  });

  it('while the server is down, attempts fail and are retried with backoff; it resumes once the server is back on the same port', async () => {
    const sse = sseServer();
    const port = await sse.listen();
    const reader = new ResumableReader(`http://127.0.0.1:${port}/events`, {}, agent);
    cleanups.push(() => reader.close());
    await reader.start();
    sse.publish(0);
    await until(() => reader.tally.next === 1, 'the first update');
    await sse.stop();
    await until(() => reader.tally.failedAttempts >= 1, 'a refused attempt');
    const again = sseServer();
    cleanups.push(() => again.stop());
    again.publish(0);
    again.publish(1);
    await again.listen(port);
    await until(() => reader.tally.live && reader.tally.next === 2, 'the resume on the restarted server', 15_000);
    expect(again.lastIds.at(-1)).toBe('e-0');
    expect(reader.tally).toMatchObject({ next: 2, gaps: 0, duplicates: 0, reconnects: 1 });
  });

  it('a first attempt that fails rejects start (nothing is retried before the reader was ever live)', async () => {
    const server = http.createServer((_req, res) => res.writeHead(403).end('{"error":{}}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const reader = new ResumableReader(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {}, agent);
    await expect(reader.start()).rejects.toThrow(/HTTP 403/);
    expect(reader.tally.failedAttempts).toBe(1);
  });
});
