/**
 * The storm bench's reader process: N {@link ResumableReader}s on one canvas stream, driven by the
 * parent over IPC (`StormReaders`). Started with `child_process.fork`.
 */
import http from 'node:http';
import { ResumableReader } from './ResumableReader.ts';
import type { IpcReply } from '../lib/IpcChild.ts';
import type { StormRequest, StormStatus } from './stormProtocol.ts';

const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
let readers: ResumableReader[] = [];

async function open(request: Extract<StormRequest, { op: 'open' }>) {
  const startedAt = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async (): Promise<void> => {
    while (next < request.count) {
      next += 1;
      const reader = new ResumableReader(request.url, request.headers, agent);
      try {
        await reader.start();
        readers.push(reader);
      } catch (error) {
        failed += 1;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(200, request.count)) }, lane));
  return { opened: readers.length, failed, ms: performance.now() - startedAt, ...(firstError ? { firstError } : {}) };
}

function status(target: number): StormStatus {
  const s: StormStatus = {
    readers: readers.length,
    live: 0,
    caughtUp: 0,
    minNext: Number.POSITIVE_INFINITY,
    maxNext: 0,
    duplicates: 0,
    gaps: 0,
    reconnects: 0,
    failedAttempts: 0,
    resets: 0,
  };
  for (const { tally } of readers) {
    if (tally.live) s.live += 1;
    if (tally.next > target) s.caughtUp += 1;
    s.minNext = Math.min(s.minNext, tally.next);
    s.maxNext = Math.max(s.maxNext, tally.next);
    s.duplicates += tally.duplicates;
    s.gaps += tally.gaps;
    s.reconnects += tally.reconnects;
    s.failedAttempts += tally.failedAttempts;
    s.resets += tally.resets;
  }
  if (readers.length === 0) s.minNext = 0;
  return s;
}

process.on('message', async (envelope: { id: number; request: StormRequest }) => {
  const { id, request } = envelope;
  let reply: IpcReply;
  try {
    if (request.op === 'open') reply = { id, ok: true, value: await open(request) };
    else if (request.op === 'status') reply = { id, ok: true, value: status(request.target) };
    else {
      for (const reader of readers) reader.close();
      readers = [];
      reply = { id, ok: true, value: null };
    }
  } catch (error) {
    reply = { id, ok: false, error: String(error) };
  }
  process.send?.(reply);
});
process.on('disconnect', () => process.exit(0));
