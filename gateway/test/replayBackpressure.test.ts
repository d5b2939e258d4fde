import { readFileSync } from 'node:fs';
import { decodeCursor, encodeCursor } from '@easel/schemas';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

const BUDGET = 256 * 1024;
/** How long a replay waits for a stalled reader to drain before dropping it (short, so the test is too). */
const DRAIN_TIMEOUT_MS = 4000;
const env = gatewayPerFile(
  { admin: { tenant: 'acme' } },
  {
    env: {
      EASEL_SSE_BUDGET_BYTES: String(BUDGET),
      EASEL_SSE_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      // One actor writes thousands of commands as fast as it can: no per-actor command rate limit.
      EASEL_COMMAND_RATE: '0',
    },
  },
);

/** ~3 MB of ~4 KB values: a backlog more than ten times the byte budget. */
const VALUES = 750;
const BATCH = 25;

/** A field of `/proc/sys/net/ipv4/<name>` (min, default, max), or `fallback` where there is none. */
function tcpMem(name: 'tcp_rmem' | 'tcp_wmem', field: 1 | 2, fallback: number): number {
  try {
    const value = Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[field]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Values for the stalled reader: more than the kernel can hold for a client that stopped reading
 * (the sender's buffer grows up to tcp_wmem's max, the paused receiver keeps about its default),
 * plus 2 MB, so the replay is still running when the socket pushes back.
 */
const STALLED_VALUES = Math.max(
  VALUES,
  Math.ceil((tcpMem('tcp_wmem', 2, 4 << 20) + 4 * tcpMem('tcp_rmem', 1, 128 << 10) + (2 << 20)) / 4096),
);

const noteOf = (f: SseFrame) =>
  f.event === 'token_patch' && f.json.payload.token_id === 'plan.note' ? (f.json.payload.value as string) : null;
const notesOf = (c: SseClient) => c.frames.map(noteOf).filter((v): v is string => v !== null);
const closeReasonOf = (c: SseClient): string | undefined =>
  c.frames.find((f) => f.event === 'stream_closed')?.json.payload.reason;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The gateway-wide `easel_disconnects_total{reason="slow_consumer"}` (0 before the first). */
async function slowConsumerDisconnects(): Promise<number> {
  const metrics = await api(env.gateway.url, 'GET', '/metrics');
  const m = /^easel_disconnects_total\{[^}]*reason="slow_consumer"[^}]*\} (\d+)/m.exec(metrics.text);
  return m ? Number(m[1]) : 0;
}

/**
 * A fresh canvas in its own project (so its partition holds only this test's events) with
 * `count` notes of ~4 KB written; returns the notes in order and the cursor before them all.
 */
async function canvasWithBacklog(
  project: string,
  count = VALUES,
): Promise<{ scope: Record<string, string>; values: string[]; start: string }> {
  const scope = await env.world.newCanvas(env.tokens.admin, project, 'c1');
  const marker = await env.world.commit(env.tokens.admin, 'token.set', scope, {
    token_id: 'plan.title',
    value: 'start',
  });
  const decoded = decodeCursor(marker.cursor);
  if (!decoded.ok) throw new Error(`unexpected cursor ${marker.cursor}`);
  const values: string[] = [];
  for (let from = 0; from < count; from += BATCH) {
    const commands = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const value = `v${String(i).padStart(5, '0')}-${'x'.repeat(4000)}`;
      values.push(value);
      commands.push({ command_id: ulid(), type: 'token.set', scope, payload: { token_id: 'plan.note', value } });
    }
    const res = await api(env.gateway.url, 'POST', '/v1/commands:batch', {
      token: env.tokens.admin,
      body: { commands },
      timeoutMs: 30_000,
    });
    if (res.status !== 200) throw new Error(`batch: ${res.status} ${res.text.slice(0, 300)}`);
  }
  // cursor 0: the client has seen nothing of the partition yet
  return { scope, values, start: encodeCursor({ epoch: decoded.value.epoch, seq: 0 }) };
}

/**
 * Reads at a moderate pace (a duty cycle: reads for `readMs`, then stops reading for `idleMs`),
 * so the gateway's writes outrun it and its socket pushes back; bounded by `timeoutMs`.
 */
async function readModerately(
  client: SseClient,
  done: () => boolean,
  timeoutMs: number,
  readMs = 5,
  idleMs = 15,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && !client.ended) {
    if (Date.now() > deadline) throw new Error(`timed out reading (${notesOf(client).length} notes)`);
    client.resume();
    await sleep(readMs);
    if (done()) break;
    client.pause();
    await sleep(idleMs);
  }
  client.resume();
}

describe('replay respects socket backpressure', () => {
  it('[CONTRACT 4] a client resuming with a backlog far larger than the byte budget catches up in one session, exactly once, in order', async () => {
    const { scope, values, start } = await canvasWithBacklog('replay-moderate');
    const before = await slowConsumerDisconnects();
    const reader = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin, lastEventId: start });
    try {
      await reader.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
      await readModerately(reader, () => notesOf(reader).length >= values.length, 90_000);
      // one session: the stream was never ended (no stream_closed, no reconnect needed)
      expect(reader.ended).toBe(false);
      expect(closeReasonOf(reader)).toBeUndefined();
      expect(notesOf(reader)).toEqual(values);
      const ids = reader.durable().map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(reader.frames.find((f) => f.event === 'CANVAS_READY')?.json.payload.reset).toBe(false);
      expect(await slowConsumerDisconnects()).toBe(before);

      // Live events after the catch-up keep flowing on the same session.
      const live = await env.world.commit(env.tokens.admin, 'token.set', scope, {
        token_id: 'plan.note',
        value: 'live',
      });
      const got = await reader.waitFor((f) => noteOf(f) === 'live', 10_000, 'the live note');
      expect(got.id).toBe(live.cursor);
      expect(reader.ended).toBe(false);
    } finally {
      reader.close();
    }
  });

  it('[CONTRACT 4] a client that stops reading during the replay is disconnected with slow_consumer and resumes from its cursor, losing nothing', async () => {
    const { scope, values, start } = await canvasWithBacklog('replay-stalled', STALLED_VALUES);
    const before = await slowConsumerDisconnects();
    const stalled = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin, lastEventId: start });
    try {
      await stalled.waitFor((f) => noteOf(f) !== null, 10_000, 'the first replayed note');
      stalled.pause(); // stops reading in the middle of the replay
      const pausedAt = Date.now();
      // The replay waits (bounded) for the socket to drain, then gives up on the client.
      const deadline = pausedAt + DRAIN_TIMEOUT_MS + 30_000;
      while ((await slowConsumerDisconnects()) === before) {
        if (Date.now() > deadline) throw new Error('the stalled reader was never disconnected');
        await sleep(200);
      }
      // It was given the drain timeout, not dropped at the budget (the wait starts once it stopped reading).
      expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(DRAIN_TIMEOUT_MS - 500);
      // Read promptly: the gateway destroys a dropped client's socket if it does not take the rest soon.
      stalled.resume();
      await stalled.waitForEnd(30_000);
      const got = notesOf(stalled);
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(values.length);
      expect(got).toEqual(values.slice(0, got.length));
      // (a client that did not take the rest in time has its socket destroyed before stream_closed)
      expect(closeReasonOf(stalled) ?? 'slow_consumer').toBe('slow_consumer');

      const resumed = new SseClient(env.world.streamUrl(scope), {
        token: env.tokens.admin,
        lastEventId: stalled.lastEventId ?? start,
      });
      try {
        await resumed.until(() => notesOf(resumed).length >= values.length - got.length, 60_000, 'the rest');
        expect(resumed.frames.find((f) => f.event === 'CANVAS_READY')?.json.payload.reset).toBe(false);
        expect([...got, ...notesOf(resumed)]).toEqual(values);
        expect(resumed.ended).toBe(false);
      } finally {
        resumed.close();
      }
    } finally {
      stalled.close();
    }
  });
});
