import { describe, expect, it } from 'vitest';
import { testApi } from '../testing/testApi.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';
import { requestJson } from './requestJson.ts';

function setup(token: string | (() => string) = 'tok') {
  const { timers, fake, api } = testApi({ validate: mode.current, seed: 1 });
  return { timers, fake, ctx: { ...api, token } };
}

const mode = forEachValidationMode(() => {
  describe('requestJson', () => {
    it('[CONTRACT 2] a 401 is retried once with a fresh token from the token function', async () => {
      let n = 0;
      const { fake, ctx } = setup(() => `tok${++n}`);
      const answer = requestJson(ctx, { method: 'POST', path: '/v1/x', body: { a: 1 } });
      const first = await fake.next();
      expect(first.headers.authorization).toBe('Bearer tok1');
      first.respondJson(401, { error: { code: 'unauthenticated', message: 'expired', request_id: 'r' } });
      const second = await fake.next();
      expect(second.headers.authorization).toBe('Bearer tok2');
      expect(second.body).toBe('{"a":1}');
      second.respondJson(200, { fine: true });
      expect(await answer).toEqual({ ok: true, value: { fine: true } });
    });

    it('GETs are retried on network errors (3 attempts); POSTs are not', async () => {
      const { fake, timers, ctx } = setup();
      const get = requestJson(ctx, { method: 'GET', path: '/v1/y' });
      (await fake.next()).failNetwork();
      await timers.advance(1_000);
      (await fake.next()).failNetwork();
      await timers.advance(2_000);
      (await fake.next()).failNetwork();
      expect(await get).toMatchObject({ ok: false, error: { code: 'network', message: /GET \/v1\/y/ } });
      const post = requestJson(ctx, { method: 'POST', path: '/v1/y', body: {} });
      (await fake.next()).failNetwork();
      expect(await post).toMatchObject({ ok: false, error: { code: 'network' } });
      expect(fake.untaken).toBe(0);
    });

    it('[CONTRACT 3] a body that is not the error shape still yields the code for the status', async () => {
      const { fake, ctx } = setup();
      const answer = requestJson(ctx, { method: 'GET', path: '/v1/z', attempts: 1 });
      (await fake.next()).respondJson(502, 'bad gateway');
      expect(await answer).toMatchObject({ ok: false, error: { code: 'unavailable', status: 502 } });
      const notJson = requestJson(ctx, { method: 'GET', path: '/v1/z' });
      const r = await fake.next();
      r.respondJson(200, 1);
      expect(await notJson).toEqual({ ok: true, value: 1 });
    });

    it('an aborted request resolves closed', async () => {
      const { fake, ctx } = setup();
      const controller = new AbortController();
      const answer = requestJson(ctx, { method: 'GET', path: '/v1/slow', signal: controller.signal });
      await fake.next();
      controller.abort();
      expect(await answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    });

    it('[CONTRACT 5] an idempotent request also retries a 500 and a 2xx whose body broke off', async () => {
      const { fake, timers, ctx } = setup();
      const answer = requestJson(ctx, { method: 'POST', path: '/v1/c', body: {}, attempts: 3, idempotent: true });
      (await fake.next()).respondJson(500, { error: { code: 'unavailable', message: 'boom', request_id: 'a' } });
      await timers.advance(1_000);
      const broken = (await fake.next()).respondStream(200);
      broken.push('{"status": "commit');
      broken.end();
      await timers.advance(2_000);
      (await fake.next()).respondJson(200, { done: true });
      expect(await answer).toEqual({ ok: true, value: { done: true } });
      const once = requestJson(ctx, { method: 'POST', path: '/v1/c', body: {}, attempts: 3 });
      (await fake.next()).respondJson(500, { error: { code: 'unavailable', message: 'boom', request_id: 'b' } });
      expect(await once).toMatchObject({ ok: false, error: { code: 'unavailable', status: 500 } });
      expect(fake.untaken).toBe(0);
    });

    it('aborting the signal ends a wait between attempts at once, with closed', async () => {
      const { fake, ctx } = setup();
      const controller = new AbortController();
      const answer = requestJson(ctx, { method: 'GET', path: '/v1/w', signal: controller.signal });
      (await fake.next()).failNetwork();
      controller.abort(); // the backoff timer is never advanced
      expect(await answer).toMatchObject({ ok: false, error: { code: 'closed' } });
      expect(fake.untaken).toBe(0);
    });
  });
});
