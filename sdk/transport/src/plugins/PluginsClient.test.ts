import { describe, expect, it } from 'vitest';
import { TEST_SCOPE } from '../testing/frames.ts';
import { testApi } from '../testing/testApi.ts';
import { PluginsClient } from './PluginsClient.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

const HEALTH = { name: 'canvas-stats', state: 'LOADED', success_count: 2, error_count: 0 };

function setup() {
  const { timers, fake, api } = testApi({ validate: mode.current, seed: 9 });
  return { timers, fake, plugins: new PluginsClient(api) };
}

const mode = forEachValidationMode(() => {
  describe('transport.plugins', () => {
    it('[CONTRACT 9] list, health and inspect read the plugin host', async () => {
      const { fake, plugins } = setup();
      const listing = plugins.list();
      const list = await fake.next();
      expect([list.method, list.url]).toEqual(['GET', 'http://gw.test/v1/plugins']);
      list.respondJson(200, { plugins: [HEALTH, { ...HEALTH, name: 'gpu', state: 'UNAVAILABLE', reason: 'no GPU' }] });
      expect(await listing).toMatchObject({ ok: true, value: [{ name: 'canvas-stats' }, { state: 'UNAVAILABLE' }] });

      const health = plugins.health('canvas-stats');
      const h = await fake.next();
      expect(h.url).toBe('http://gw.test/v1/plugins/canvas-stats/health');
      h.respondJson(200, HEALTH);
      expect(await health).toEqual({ ok: true, value: HEALTH });

      const inspecting = plugins.inspect('canvas-stats');
      const i = await fake.next();
      expect(i.url).toBe('http://gw.test/v1/plugins/canvas-stats');
      const inspector = {
        ...HEALTH,
        device: 'cpu',
        tools: { count: { description: 'Counts', timeout_ms: 1000, memory_mb: 64, idempotent: true } },
        recent_warnings: [],
        recent_errors: [],
      };
      i.respondJson(200, inspector);
      expect(await inspecting).toEqual({ ok: true, value: inspector });
    });

    it('[CONTRACT 9] invoke posts {scope, input}: a value, or the sandbox failure as tool_failed', async () => {
      const { fake, plugins } = setup();
      const calling = plugins.invoke('canvas-stats', 'count', { n: 1 });
      const post = await fake.next();
      expect(post.url).toBe('http://gw.test/v1/plugins/canvas-stats/tools/count:invoke');
      expect(JSON.parse(post.body ?? '{}')).toEqual({ scope: TEST_SCOPE, input: { n: 1 } });
      post.respondJson(200, { ok: true, value: { notes: 3 }, ms: 1.5 });
      expect(await calling).toEqual({ ok: true, value: { value: { notes: 3 }, ms: 1.5 } });

      const failing = plugins.invoke('canvas-stats', 'count', null);
      (await fake.next()).respondJson(200, {
        ok: false,
        error: { kind: 'timeout', message: 'after 1000 ms' },
        ms: 1000,
      });
      expect(await failing).toEqual({
        ok: false,
        error: { code: 'tool_failed', kind: 'timeout', message: 'after 1000 ms', ms: 1000 },
      });
    });

    it('[CONTRACT 9] unknown plugins are not_found, unavailable ones 503 with the state and reason', async () => {
      const { fake, timers, plugins } = setup();
      const missing = plugins.health('nope');
      (await fake.next()).respondJson(404, {
        error: { code: 'not_found', message: 'no plugin named "nope"', request_id: 'r' },
      });
      expect(await missing).toMatchObject({ ok: false, error: { code: 'not_found', status: 404 } });

      const unavailable = plugins.invoke('gpu', 'upscale', {});
      const details = { plugin: 'gpu', state: 'UNAVAILABLE', reason: 'needs a GPU' };
      (await fake.next()).respondJson(503, {
        error: { code: 'unavailable', message: 'unavailable', details, request_id: 'r' },
      });
      expect(await unavailable).toMatchObject({ ok: false, error: { code: 'unavailable', details } });
      expect(fake.untaken).toBe(0); // invoke is not retried

      // A GET is retried on 503 (with backoff), then succeeds.
      const listing = plugins.list();
      (await fake.next()).respondJson(503, { error: { code: 'unavailable', message: 'starting', request_id: 'r' } });
      await timers.advance(1_000);
      (await fake.next()).respondJson(200, { plugins: [] });
      expect(await listing).toEqual({ ok: true, value: [] });
    });

    it('[CONTRACT 3] an answer of the wrong shape is a protocol error, never a throw', async () => {
      const { fake, plugins } = setup();
      const listing = plugins.list();
      (await fake.next()).respondJson(200, { plugins: [{ name: 'x', state: 'HAPPY' }] });
      expect(await listing).toMatchObject({ ok: false, error: { code: 'protocol', message: /plugins\.0\.state/ } });
      const invoking = plugins.invoke('x', 'y', 1);
      (await fake.next()).respondJson(200, { ok: 'maybe' });
      expect(await invoking).toMatchObject({ ok: false, error: { code: 'protocol' } });
    });
  });
});
