import { describe, expect, it } from 'vitest';
import { resolveDeps } from '../lib/deps.ts';
import { FakeFetch } from '../testing/FakeFetch.ts';
import { ManualTimers } from '../testing/ManualTimers.ts';
import { Presence } from './Presence.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

const scope = { tenant_id: 'acme', project_id: 'p1', app_id: 'a', surface_id: 's', mode: 'edit', canvas_id: 'c1' };
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = `${b64url({ alg: 'HS256' })}.${b64url({ sub: 'vic', kind: 'human', name: 'Vic' })}.sig`;
const errorBody = (code: string) => ({ error: { code, message: `${code}!`, request_id: 'r' } });

function setup(token: string | (() => Promise<string>) = TOKEN) {
  const fake = new FakeFetch();
  const timers = new ManualTimers();
  const deps = resolveDeps({ validate: mode.current, fetch: fake.fetch, timers, now: timers.now, random: () => 0.5 });
  /** A WebSocket class that is never reached in these tests (no ticket, no socket). */
  class NoSocket {
    constructor() {
      throw new Error('no socket expected');
    }
  }
  const presence = new Presence({ deps, baseUrl: 'http://gw', token, scope, WebSocket: NoSocket });
  return { fake, timers, presence };
}

const mode = forEachValidationMode(() => {
  describe('Presence (without a gateway)', () => {
    it.each([
      [401, 'unauthenticated', 'unauthorized'],
      [403, 'forbidden', 'forbidden'],
      [404, 'not_found', 'not_found'],
      [400, 'validation_failed', 'failed'],
    ] as const)('[CONTRACT 7] a %i ticket answer rests %s', async (status, code, rest) => {
      const { fake, presence } = setup();
      const statuses: string[] = [];
      presence.onStatus((s) => statuses.push(s));
      const joining = presence.join();
      (await fake.next()).respondJson(status, errorBody(code));
      expect(await joining).toEqual({ ok: false, error: { code, message: `${code}!`, status } });
      expect(statuses).toEqual(['connecting', rest]);
      expect(fake.requests).toHaveLength(1);
    });

    it('[CONTRACT 7] retries an unavailable gateway with backoff, then rests on a final answer', async () => {
      const { fake, timers, presence } = setup();
      const joining = presence.join(undefined, { timeoutMs: 60_000 });
      (await fake.next()).respondJson(503, errorBody('unavailable'));
      await timers.advance(0);
      expect(timers.pending()[0]).toBeGreaterThan(0);
      expect(presence.lastError?.code).toBe('unavailable');
      await timers.advance(10_000);
      (await fake.next()).failNetwork();
      await timers.advance(10_000);
      (await fake.next()).respondJson(403, errorBody('forbidden'));
      expect(await joining).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(presence.status).toBe('forbidden');
    });

    it('[CONTRACT 7] local states are checked against the awareness schema, actor filled from the token', () => {
      const { presence } = setup();
      expect(presence.setLocal({ cursor: { x: 1, y: 2 } })).toEqual({ ok: true, value: undefined });
      expect(presence.local).toMatchObject({
        actor: { id: 'vic', kind: 'human', name: 'Vic' },
        cursor: { x: 1, y: 2 },
      });
      expect(presence.local?.actor.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(presence.updateLocal({ viewport: { x: 0, y: 0, width: 10, height: 10 } }).ok).toBe(true);
      expect(presence.local).toMatchObject({ cursor: { x: 1 }, viewport: { width: 10 } });
      const bad = presence.setLocal({ actor: { color: 'blue' } });
      expect(bad.ok ? '' : bad.error.message).toMatch(/^state\.actor\.color/);
      expect(presence.setLocal(null).ok).toBe(true);
      expect(presence.local).toBeNull();
    });

    it('[CONTRACT 7] a token function is read on join; a state without actor id is refused then', async () => {
      const { fake, presence } = setup(async () => 'opaque');
      expect(presence.setLocal({ cursor: null }).ok).toBe(true); // not known yet
      const joining = presence.join();
      (await fake.next()).respondJson(200, {
        ticket: 'abcdefghijklmnopqrstuvwxyz012345',
        url: 'ws://127.0.0.1:9/v1/presence',
        document: 'acme/p1/c1',
        expires_at: '2030-01-01T00:00:00.000Z',
      });
      expect(await joining).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
      expect(presence.status).toBe('failed');
    });

    it('leave() ends a pending join', async () => {
      const { fake, presence } = setup();
      const joining = presence.join();
      await fake.next();
      presence.leave();
      expect(await joining).toMatchObject({ ok: false, error: { code: 'closed' } });
      expect(presence.status).toBe('idle');
    });
  });
});
