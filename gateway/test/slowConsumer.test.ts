import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

const BUDGET = 256 * 1024;
const env = gatewayPerFile({ admin: { tenant: 'acme' } }, { env: { EASEL_SSE_BUDGET_BYTES: String(BUDGET) } });

/** Writes `count` token.set commands of ~4 KB each in batches; returns the values in order. */
async function writeMany(scope: Record<string, string>, from: number, count: number): Promise<string[]> {
  const values: string[] = [];
  for (let start = from; start < from + count; start += 25) {
    const commands = [];
    for (let i = start; i < Math.min(from + count, start + 25); i++) {
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
  return values;
}

const noteOf = (f: SseFrame) => (f.event === 'token_patch' ? (f.json.payload.value as string) : null);

describe('slow consumers', () => {
  it('[CONTRACT 4] a client that stops reading is disconnected with slow_consumer; resuming from its cursor loses nothing', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'slow', 'c1');
    const slow = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    const healthy = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    try {
      await slow.waitFor((f) => f.event === 'CANVAS_READY');
      await healthy.waitFor((f) => f.event === 'CANVAS_READY');
      slow.pause();
      const values: string[] = [];
      for (let round = 0; round < 40; round++) {
        values.push(...(await writeMany(scope, values.length, 200)));
        const metrics = await api(env.gateway.url, 'GET', '/metrics');
        if (/easel_disconnects_total\{reason="slow_consumer"\} [1-9]/.test(metrics.text)) break;
      }
      const metrics = await api(env.gateway.url, 'GET', '/metrics');
      expect(metrics.text).toMatch(/easel_disconnects_total\{reason="slow_consumer"\} 1/);
      // The healthy subscriber got everything, live, once.
      await healthy.until(() => healthy.frames.filter(noteOf).length === values.length, 30_000, 'every write');
      expect(healthy.frames.map(noteOf).filter(Boolean)).toEqual(values);
      expect(healthy.ended).toBe(false);
      // The slow one: read what the server had sent, then the stream ends with the reason.
      slow.resume();
      await slow.waitForEnd(15_000);
      const got = slow.frames.map(noteOf).filter(Boolean) as string[];
      expect(got.length).toBeLessThan(values.length);
      expect(got).toEqual(values.slice(0, got.length));
      const closed = slow.frames.find((f) => f.event === 'stream_closed');
      if (closed) expect(closed.json.payload.reason).toBe('slow_consumer');
      // Resuming from its last cursor delivers the rest, exactly once.
      const resumed = new SseClient(env.world.streamUrl(scope), {
        token: env.tokens.admin,
        lastEventId: slow.lastEventId!,
      });
      try {
        await resumed.until(
          () => resumed.frames.filter(noteOf).length === values.length - got.length,
          30_000,
          'the rest',
        );
        expect(resumed.frames.map(noteOf).filter(Boolean)).toEqual(values.slice(got.length));
        expect(resumed.frames.find((f) => f.event === 'CANVAS_READY')?.json.payload.reset).toBe(false);
      } finally {
        resumed.close();
      }
    } finally {
      slow.close();
      healthy.close();
    }
  });
});
