import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../lib/sleep.ts';
import { type ServerProcess, startServer } from '../servers/ServerProcess.ts';
import { ClientProcess } from './ClientProcess.ts';

const repoRoot = new URL('../../..', import.meta.url).pathname;

const BASELINES = [
  {
    label: 'raw',
    script: 'bench/src/servers/rawSseServer.ts',
    reader: (s: ServerProcess) => ({ kind: 'sse' as const, url: `${s.baseUrl}/events` }),
  },
  {
    label: 'hocuspocus',
    script: 'bench/src/servers/hocuspocusServer.ts',
    reader: (s: ServerProcess) => ({ kind: 'yjs' as const, url: `ws://127.0.0.1:${s.port}/bench`, document: 'bench' }),
  },
];

// Real processes and sockets: each baseline server and one client process.
describe.each(BASELINES)('client process against the $label baseline', ({ label, script, reader }) => {
  let server: ServerProcess;
  let client: ClientProcess;
  beforeAll(async () => {
    server = await startServer({ label, cwd: repoRoot, script, args: ['--port', '0'] });
    client = ClientProcess.start(repoRoot);
  }, 60_000);
  afterAll(async () => {
    await client?.stop();
    await server?.stop();
  });

  it('counts every published update once per reader and times send → last reader', async () => {
    const readers = 5;
    const connected = await client.connect({ reader: reader(server), count: readers, track: 'latency' });
    expect(connected).toMatchObject({ opened: readers, failed: 0 });
    await client.startLoad({
      writer: { url: `${server.baseUrl}/publish`, body: { kind: 'publish' } },
      concurrency: 4,
      ratePerSec: 200,
    });
    await sleep(500);
    const stopped = await client.stopLoad();
    // Every reader gets every acknowledged update: wait for them (bounded well inside the test's
    // timeout; a loaded machine may deliver the last frames seconds late).
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if ((await client.mark()).frames >= stopped.acks * readers) break;
      await sleep(20);
    }
    const mark = await client.mark();
    expect(stopped.acks).toBeGreaterThan(10);
    expect(stopped.errors).toBe(0);
    expect(mark.frames).toBe(stopped.acks * readers);
    const latency = await client.latency(false);
    expect(latency.complete).toBe(stopped.acks);
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p99).toBeGreaterThanOrEqual(latency.p50);
  }, 60_000);
});
