import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

const BUDGET = 256 * 1024;
// One actor writes ~32 MB as fast as it can: the per-actor command rate limit is off (EASEL_COMMAND_RATE=0).
const env = gatewayPerFile(
  { admin: { tenant: 'acme' } },
  { env: { EASEL_SSE_BUDGET_BYTES: String(BUDGET), EASEL_COMMAND_RATE: '0' } },
);

/** Commands per batch request (~100 KB of writes): the slow client is checked after each. */
const BATCH = 25;
/** Upper bound on batches written before the paused client must have been dropped (~32 MB). */
const MAX_BATCHES = 320;
/** Upper bound on reconnects of the reading client (it resumes after each close, like a real one). */
const MAX_SESSIONS = 20;

/** Writes one batch of `count` token.set commands of ~4 KB each; returns the values in order. */
async function writeBatch(scope: Record<string, string>, from: number, count: number): Promise<string[]> {
  const values: string[] = [];
  const commands = [];
  for (let i = from; i < from + count; i++) {
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
  return values;
}

/** The gateway-wide `easel_disconnects_total{reason="slow_consumer"}` (0 before the first). */
async function slowConsumerDisconnects(): Promise<number> {
  const metrics = await api(env.gateway.url, 'GET', '/metrics');
  const m = /^easel_disconnects_total\{[^}]*reason="slow_consumer"[^}]*\} (\d+)/m.exec(metrics.text);
  return m ? Number(m[1]) : 0;
}

const noteOf = (f: SseFrame) => (f.event === 'token_patch' ? (f.json.payload.value as string) : null);
const notesOf = (c: SseClient) => c.frames.map(noteOf).filter((v): v is string => v !== null);
const closeReasonOf = (c: SseClient): string | undefined =>
  c.frames.find((f) => f.event === 'stream_closed')?.json.payload.reason;

/**
 * A subscriber that behaves like a real client: whenever the server ends its stream, it
 * reconnects with its Last-Event-ID (bounded by {@link MAX_SESSIONS}).
 */
class ResumingClient {
  readonly sessions: SseClient[] = [];
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly initialLastEventId?: string,
  ) {
    this.sessions.push(new SseClient(url, { token, lastEventId: initialLastEventId }));
    void this.supervise();
  }

  get current(): SseClient {
    return this.sessions[this.sessions.length - 1] as SseClient;
  }

  /** Every note received, over all sessions, in arrival order. */
  notes(): string[] {
    return this.sessions.flatMap(notesOf);
  }

  /** Waits (bounded) until `predicate` holds, following reconnects. */
  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.stopped) throw new Error(`resuming client: timed out waiting for ${what}`);
      const session = this.current;
      await session.until(() => predicate() || session.ended, Math.min(left, 1000), what).catch(() => undefined);
      // an ended session is replaced by supervise(); give it a turn
      if (session.ended && this.current === session) await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async supervise(): Promise<void> {
    while (!this.stopped && this.sessions.length < MAX_SESSIONS) {
      const session = this.current;
      try {
        await session.until(() => session.ended || this.stopped, 120_000, 'the end');
      } catch {
        return;
      }
      if (this.stopped) return;
      const lastEventId = [...this.sessions].reverse().find((s) => s.lastEventId !== null)?.lastEventId;
      this.sessions.push(
        new SseClient(this.url, { token: this.token, lastEventId: lastEventId ?? this.initialLastEventId }),
      );
    }
  }

  close(): void {
    this.stopped = true;
    for (const s of this.sessions) s.close();
  }
}

describe('slow consumers', () => {
  it('[CONTRACT 4] a client that stops reading is disconnected with slow_consumer; resuming from its cursor loses nothing', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'slow', 'c1');
    const slow = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    const reader = new ResumingClient(env.world.streamUrl(scope), env.tokens.admin);
    try {
      await slow.waitFor((f) => f.event === 'CANVAS_READY');
      await reader.current.waitFor((f) => f.event === 'CANVAS_READY');
      slow.pause();
      const values: string[] = [];
      let seenDisconnects = await slowConsumerDisconnects();
      // Write until the paused client is dropped. A rise of the gateway-wide counter may also come
      // from the reading client falling behind on a loaded machine: then the paused one is read up
      // to the last write (it was not dropped), paused again, and writing goes on.
      for (let batch = 0; batch < MAX_BATCHES && !slow.ended; batch++) {
        values.push(...(await writeBatch(scope, values.length, BATCH)));
        const disconnects = await slowConsumerDisconnects();
        if (disconnects === seenDisconnects) continue;
        seenDisconnects = disconnects;
        // Read promptly: the gateway destroys a dropped client's socket if it does not take the rest soon.
        slow.resume();
        await slow.until(() => slow.ended || notesOf(slow).length === values.length, 30_000, 'the paused backlog');
        if (!slow.ended) slow.pause();
      }
      expect(slow.ended).toBe(true);

      // The paused client: what the server had sent, in order, then the stream ends with the reason.
      const got = notesOf(slow);
      expect(got.length).toBeLessThan(values.length);
      expect(got).toEqual(values.slice(0, got.length));
      expect(closeReasonOf(slow)).toBe('slow_consumer');
      expect(slow.frames.at(-1)?.event).toBe('stream_closed');
      expect(await slowConsumerDisconnects()).toBeGreaterThanOrEqual(1);

      // The reading client, resuming from its Last-Event-ID whenever it was dropped: every write exactly once, in order.
      await reader.until(() => reader.notes().length >= values.length, 60_000, 'every write');
      expect(reader.notes()).toEqual(values);
      // (a session the gateway had to destroy never got its stream_closed frame)
      for (const session of reader.sessions.slice(0, -1))
        expect(closeReasonOf(session) ?? 'slow_consumer').toBe('slow_consumer');
      for (const session of reader.sessions.slice(1)) {
        expect(session.frames.find((f) => f.event === 'CANVAS_READY')?.json.payload.reset).toBe(false);
      }

      // Resuming the paused client from its last cursor delivers the rest, exactly once.
      expect(slow.lastEventId).not.toBeNull();
      const rest = new ResumingClient(env.world.streamUrl(scope), env.tokens.admin, slow.lastEventId as string);
      try {
        await rest.until(() => rest.notes().length >= values.length - got.length, 60_000, 'the rest');
        expect(rest.notes()).toEqual(values.slice(got.length));
        expect(rest.sessions[0]?.frames.find((f) => f.event === 'CANVAS_READY')?.json.payload.reset).toBe(false);
      } finally {
        rest.close();
      }
    } finally {
      slow.close();
      reader.close();
    }
  });
});
