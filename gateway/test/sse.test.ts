import { ulid } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const env = gatewayPerFile({ admin: { tenant: 'acme', sub: 'ann' } }, { env: { EASEL_SSE_KEEPALIVE_MS: '250' } });
const open: SseClient[] = [];

function stream(url: string, options: ConstructorParameters<typeof SseClient>[1] = {}): SseClient {
  const client = new SseClient(url, options);
  open.push(client);
  return client;
}

afterAll(() => {
  for (const client of open) client.close();
});

const titleOf = (f: SseFrame) =>
  f.event === 'token_patch' && f.json.payload.token_id === 'plan.title' ? f.json.payload.value : null;

describe('SSE streams against a gateway process', () => {
  it('[CONTRACT 4] a canvas stream opens with CANVAS_READY, then token_patch in the full envelope with the outcome cursor as id', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'basics', 'c1');
    const s = stream(env.world.streamUrl(scope), { token: env.tokens.admin });
    const ready = await s.waitFor(() => true, 5000, 'a first frame');
    expect(ready.event).toBe('CANVAS_READY');
    expect(ready.id).toBeNull();
    expect(ready.json.payload.canvas_type).toBe('testboard');
    expect(ready.json.payload.snapshot).toBeDefined();
    const commandId = ulid();
    const res = await api(env.gateway.url, 'POST', '/v1/commands', {
      token: env.tokens.admin,
      body: { command_id: commandId, type: 'token.set', scope, payload: { token_id: 'plan.title', value: 'hello' } },
    });
    expect(res.status).toBe(200);
    const patch = await s.waitFor((f) => f.event === 'token_patch');
    expect(patch.id).toBe(res.json.cursor);
    const e = patch.json;
    expect(e).toMatchObject({
      v: 1,
      type: 'token_patch',
      durable: true,
      causation_id: commandId,
      actor: { id: 'ann', kind: 'human' },
      scope,
    });
    expect(e.event_id).toMatch(ULID_RE);
    expect(Number.isNaN(Date.parse(e.timestamp))).toBe(false);
    expect(e.payload).toMatchObject({ token_id: 'plan.title', op: 'set', value: 'hello' });
  });

  for (const how of ['Last-Event-ID', '?after='] as const) {
    it(`[CONTRACT 4] resume with ${how} replays what was missed, then live, without gap or duplicate`, async () => {
      const scope = await env.world.newCanvas(env.tokens.admin, `resume-${how === '?after=' ? 'q' : 'h'}`, 'c1');
      const write = (i: number) =>
        env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'plan.title', value: `w${i}` });
      const first = stream(env.world.streamUrl(scope), { token: env.tokens.admin });
      await first.waitFor((f) => f.event === 'CANVAS_READY');
      await write(0);
      await write(1);
      const seen = await first.waitFor((f) => titleOf(f) === 'w1');
      first.close();
      for (const i of [2, 3, 4]) await write(i);
      const url = how === '?after=' ? env.world.streamUrl(scope, { after: seen.id! }) : env.world.streamUrl(scope);
      const second = stream(url, {
        token: env.tokens.admin,
        ...(how === 'Last-Event-ID' ? { lastEventId: seen.id! } : {}),
      });
      await second.waitFor((f) => titleOf(f) === 'w4');
      await write(5);
      await second.waitFor((f) => titleOf(f) === 'w5');
      expect(second.frames.map(titleOf).filter(Boolean)).toEqual(['w2', 'w3', 'w4', 'w5']);
      const ready = second.frames.find((f) => f.event === 'CANVAS_READY');
      expect(ready?.json.payload.reset).toBe(false);
      expect(ready?.json.payload.snapshot).toBeUndefined();
      const ids = [...first.durable(), ...second.durable()].map((f) => f.json.event_id);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }

  it('[CONTRACT 4] keep-alive comments arrive on the configured interval, the first at once', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'keepalive', 'c1');
    const s = stream(env.world.streamUrl(scope), { token: env.tokens.admin });
    await s.until(() => s.comments.length >= 1, 2000, 'the first comment');
    const start = Date.now();
    await s.until(() => s.comments.length >= 4, 3000, 'three more comments');
    expect(Date.now() - start).toBeLessThan(2500);
    expect(s.retry).toBeGreaterThanOrEqual(1000);
    expect(s.retry).toBeLessThanOrEqual(3000);
  });

  it('[CONTRACT 2] ?access_token= works on SSE GETs and nowhere else', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'qtoken', 'c1');
    const s = stream(env.world.streamUrl(scope, { access_token: env.tokens.admin }));
    await s.waitFor((f) => f.event === 'CANVAS_READY');
    const rt = stream(env.world.realtimeUrl(scope, { access_token: env.tokens.admin }));
    expect((await rt.open()).status).toBe(200);
    const { canvas_id, ...rest } = scope;
    const get = await api(
      env.gateway.url,
      'GET',
      `/v1/canvases/${canvas_id}?${new URLSearchParams({ ...rest, access_token: env.tokens.admin })}`,
    );
    expect(get.status).toBe(401);
    expect(get.json.error.code).toBe('unauthenticated');
    const post = await api(env.gateway.url, 'POST', `/v1/commands?access_token=${env.tokens.admin}`, {
      body: { command_id: ulid(), type: 'token.set', scope, payload: { token_id: 'plan.title', value: 'x' } },
    });
    expect(post.status).toBe(401);
  });

  it('[CONTRACT 4] /v1/realtime carries every canvas of the project as {type, payload, timestamp} envelopes', async () => {
    const a = await env.world.newCanvas(env.tokens.admin, 'rt', 'ca');
    await env.world.newCanvas(env.tokens.admin, 'rt', 'cb');
    const b = { ...a, canvas_id: 'cb' };
    const rt = stream(env.world.realtimeUrl(a), { token: env.tokens.admin });
    expect((await rt.open()).status).toBe(200);
    await rt.until(() => rt.comments.length > 0);
    await env.world.commit(env.tokens.admin, 'token.set', a, { token_id: 'plan.title', value: 'rt-a' });
    await env.world.commit(env.tokens.admin, 'token.set', b, { token_id: 'plan.title', value: 'rt-b' });
    await rt.waitFor((f) => titleOf(f) === 'rt-b');
    expect(rt.frames.map(titleOf).filter(Boolean)).toEqual(['rt-a', 'rt-b']);
    for (const f of rt.frames) {
      expect(typeof f.json.type).toBe('string');
      expect(typeof f.json.payload).toBe('object');
      expect(Number.isNaN(Date.parse(f.json.timestamp))).toBe(false);
    }
    expect(rt.frames.some((f) => f.event === 'CANVAS_READY')).toBe(false);
  });
});
