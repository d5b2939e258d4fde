import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from './createVerifier.ts';
import { mintToken } from './mintToken.ts';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

function rawJwt(claims: object, secret = SECRET, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc(header)}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const nowS = () => Math.floor(Date.now() / 1000);

describe('createVerifier (HS256)', () => {
  const verifier = createVerifier({ secret: SECRET });

  it('[CONTRACT 2] a minted token verifies into its principal', async () => {
    const token = await mintToken(SECRET, { tenant: 'acme', sub: 'alice', roles: ['admin', 'planner'], kind: 'agent' });
    const res = await verifier.verify(token);
    expect(res).toEqual({
      ok: true,
      value: { actorId: 'alice', tenantId: 'acme', kind: 'agent', roles: ['admin', 'planner'] },
    });
  });

  it('[CONTRACT 2] a remembered token is refused as expired once its exp passes; another signature is not taken from memory', async () => {
    let clock = Date.now();
    const clocked = createVerifier({ secret: SECRET, now: () => clock, clockToleranceSeconds: 0 });
    const token = await mintToken(SECRET, { tenant: 'acme', sub: 'bob', roles: [], ttlSeconds: 60, now: () => clock });
    for (let i = 0; i < 3; i++) expect((await clocked.verify(token)).ok).toBe(true);
    const [head, body] = token.split('.');
    const forged = `${head}.${body}.${Buffer.from('not the signature').toString('base64url')}`;
    expect((await clocked.verify(forged)).ok).toBe(false);
    clock += 61_000;
    const late = await clocked.verify(token);
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error.message).toMatch(/expired/);
  });

  it('[CONTRACT 2] a token without exp is refused and the message says so', async () => {
    const res = await verifier.verify(rawJwt({ sub: 'a', tenant_id: 'acme', kind: 'human', roles: [] }));
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('unauthenticated');
      expect(res.error.message).toMatch(/exp/);
    }
  });

  it('[CONTRACT 2] an expired token is refused as expired', async () => {
    const token = await mintToken(SECRET, { tenant: 'acme', sub: 'a', roles: [], ttlSeconds: -60 });
    const res = await verifier.verify(token);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(/expired/);
  });

  it('[CONTRACT 2] a token signed with another secret is refused as a bad signature', async () => {
    const token = await mintToken('another-secret-entirely-0123456789', { tenant: 'acme', sub: 'a', roles: [] });
    const res = await verifier.verify(token);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(/signature/);
  });

  it('[CONTRACT 2] alg none and other algorithms are refused', async () => {
    const claims = { sub: 'a', tenant_id: 'acme', kind: 'human', roles: [], exp: nowS() + 60 };
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none' })}.${enc(claims)}.`;
    const res = await verifier.verify(none);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('unauthenticated');
  });

  it('[CONTRACT 2] claims are validated: bad tenant slug, unknown kind, roles not an array', async () => {
    const base = { sub: 'a', tenant_id: 'acme', kind: 'human', roles: ['admin'], exp: nowS() + 60 };
    for (const bad of [
      { ...base, tenant_id: 'Not A Slug' },
      { ...base, kind: 'robot' },
      { ...base, roles: 'admin' },
      { ...base, sub: '' },
    ]) {
      const res = await verifier.verify(rawJwt(bad));
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(res.error.code).toBe('unauthenticated');
        expect(res.error.message).toMatch(/claims/);
      }
    }
  });

  it('[CONTRACT 2] random junk never throws and is always unauthenticated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), async (junk) => {
        const res = await verifier.verify(junk);
        expect(res.ok).toBe(false);
        if (!res.ok) expect(res.error.code).toBe('unauthenticated');
      }),
      { numRuns: 100 },
    );
  });

  it('requires exactly one of secret or jwksUrl', () => {
    expect(() => createVerifier({})).toThrow(TypeError);
    expect(() => createVerifier({ secret: 'x', jwksUrl: 'http://127.0.0.1/jwks' })).toThrow(TypeError);
  });
});

describe('createVerifier (JWKS)', () => {
  let server: Server;
  let url: string;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('[CONTRACT 2] an ES256 token signed by a JWKS key verifies; an HS256 one does not', async () => {
    const verifier = createVerifier({ jwksUrl: url });
    const token = await new SignJWT({ tenant_id: 'acme', kind: 'service', roles: ['editor'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('svc')
      .setExpirationTime(nowS() + 60)
      .sign(privateKey);
    const res = await verifier.verify(token);
    expect(res).toEqual({ ok: true, value: { actorId: 'svc', tenantId: 'acme', kind: 'service', roles: ['editor'] } });
    const hs = await mintToken(SECRET, { tenant: 'acme', sub: 'a', roles: [] });
    const refused = await verifier.verify(hs);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('unauthenticated');
  });
});
