import { describe, expect, it } from 'vitest';
import { resolveDeps } from '../lib/deps.ts';
import { FakeFetch } from '../testing/FakeFetch.ts';
import { fetchPresenceTicket } from './fetchPresenceTicket.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

const scope = { tenant_id: 'acme', project_id: 'p1', app_id: 'a', surface_id: 's', mode: 'edit', canvas_id: 'c1' };
const good = {
  ticket: 'abcdefghijklmnopqrstuvwxyz012345',
  url: 'ws://127.0.0.1:9/v1/presence',
  document: 'acme/p1/c1',
  expires_at: '2030-01-01T00:00:00.000Z',
};

function setup() {
  const fake = new FakeFetch();
  const deps = resolveDeps({ validate: mode.current, fetch: fake.fetch });
  const result = fetchPresenceTicket({ deps, baseUrl: 'http://gw', token: 'tok', scope });
  return { fake, result };
}

const mode = forEachValidationMode(() => {
  describe('fetchPresenceTicket', () => {
    it('[CONTRACT 7] posts the scope with the bearer token and returns the ticket', async () => {
      const { fake, result } = setup();
      const request = await fake.next();
      expect([request.method, request.url, request.headers.authorization]).toEqual([
        'POST',
        'http://gw/v1/presence/tickets',
        'Bearer tok',
      ]);
      expect(JSON.parse(request.body!)).toEqual({ scope });
      request.respondJson(200, good);
      expect(await result).toEqual({ ok: true, value: good });
    });

    it('[CONTRACT 7] reads contract §3 errors, wrong shapes and network failures into values', async () => {
      let { fake, result } = setup();
      (await fake.next()).respondJson(403, { error: { code: 'forbidden', message: 'no sight', request_id: 'r' } });
      expect(await result).toEqual({ ok: false, error: { code: 'forbidden', message: 'no sight', status: 403 } });
      ({ fake, result } = setup());
      (await fake.next()).respondJson(200, { ...good, url: 'http://not-ws' });
      expect(await result).toMatchObject({ ok: false, error: { code: 'protocol' } });
      ({ fake, result } = setup());
      (await fake.next()).failNetwork();
      expect(await result).toMatchObject({ ok: false, error: { code: 'network' } });
    });
  });
});
