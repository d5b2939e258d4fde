/**
 * The bench's client process: N lightweight readers and W writers in one process, so that
 * latency is measured on one monotonic clock and the server's process holds only the server.
 * Driven by the parent over IPC (see protocol.ts); started with `child_process.fork`.
 */
import { FrameSink } from './FrameSink.ts';
import { LatencyTracker } from './LatencyTracker.ts';
import type { ClientEnvelope, ClientReply, ClientRequest, ConnectResult, Mark } from './protocol.ts';
import { openSseReader, type Reader } from './sseReader.ts';
import { WriterPool } from './WriterPool.ts';
import { openYjsReader } from './yjsReader.ts';

const sink = new FrameSink();
let readers: Reader[] = [];
let tracker: LatencyTracker | null = null;
let pool: WriterPool | null = null;
let seq = 0;

async function connect(request: Extract<ClientRequest, { op: 'connect' }>): Promise<ConnectResult> {
  const startedAt = performance.now();
  const timeoutMs = request.timeoutMs ?? 20_000;
  tracker = request.track === 'latency' ? new LatencyTracker(request.expectedReaders ?? request.count) : null;
  const latency = tracker;
  sink.onSeq =
    latency === null
      ? null
      : (n) => {
          sink.frames += 1;
          latency.seen(n, performance.now());
        };
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const open = (): Promise<Reader> =>
    request.reader.kind === 'sse'
      ? openSseReader(request.reader.url, request.reader.headers, request.reader.readyAfter, sink, timeoutMs)
      : openYjsReader(request.reader.url, request.reader.document, sink, timeoutMs);
  const lane = async (): Promise<void> => {
    while (next < request.count) {
      next += 1;
      try {
        readers.push(await open());
      } catch (error) {
        failed += 1;
        firstError ??= String(error);
      }
    }
  };
  const lanes = Math.max(1, Math.min(request.concurrency ?? 200, request.count));
  await Promise.all(Array.from({ length: lanes }, lane));
  return { opened: request.count - failed, failed, ms: performance.now() - startedAt, firstError };
}

function mark(): Mark {
  const cpu = process.cpuUsage();
  const counters = pool?.counters ?? { sent: 0, acks: 0, errors: 0, skipped: 0 };
  return {
    t: performance.now(),
    frames: sink.frames,
    acks: counters.acks,
    sent: counters.sent,
    errors: counters.errors,
    skipped: counters.skipped,
    readersLost: sink.readersLost,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    firstError: pool?.counters.firstError,
  };
}

async function handle(request: ClientRequest): Promise<unknown> {
  switch (request.op) {
    case 'connect':
      return connect(request);
    case 'startLoad': {
      if (pool !== null) await pool.stop();
      const latency = tracker;
      pool = new WriterPool(
        request.writer,
        request.concurrency,
        () => ++seq,
        latency === null ? null : (n) => latency.sent(n, performance.now()),
      );
      pool.start(request.ratePerSec);
      return mark();
    }
    case 'mark':
      return mark();
    case 'stopLoad':
      await pool?.stop();
      return mark();
    case 'latency':
      if (tracker === null) throw new Error('readers were not opened with track: latency');
      return tracker.stats(request.reset);
    case 'closeReaders': {
      for (const reader of readers) reader.close();
      const closed = readers.length;
      readers = [];
      return { closed };
    }
  }
}

process.on('message', (message: ClientEnvelope) => {
  handle(message.request).then(
    (value) => process.send!({ id: message.id, ok: true, value } satisfies ClientReply),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: String(error) } satisfies ClientReply),
  );
});
process.on('disconnect', () => process.exit(0));
