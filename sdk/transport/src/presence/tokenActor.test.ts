import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorColor, tokenActor } from './tokenActor.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown) => `${b64url({ alg: 'HS256' })}.${b64url(claims)}.sig`;

describe('tokenActor', () => {
  it('[CONTRACT 7] reads sub, kind and name of a JWT', () => {
    expect(tokenActor(jwt({ sub: 'ada', kind: 'agent', name: 'Ada' }))).toEqual({
      id: 'ada',
      kind: 'agent',
      name: 'Ada',
    });
    expect(tokenActor(jwt({ sub: 'ünï', kind: 'human' }))).toEqual({ id: 'ünï', kind: 'human' });
    expect(tokenActor(jwt({ sub: 'x', kind: 'robot' }))).toBeNull();
    expect(tokenActor(jwt({ kind: 'human' }))).toBeNull();
    expect(tokenActor('opaque-token')).toBeNull();
  });

  it('junk is null, never a throw (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const actor = tokenActor(text);
        expect(actor === null || typeof actor.id === 'string').toBe(true);
      }),
    );
  });

  it('gives every id a stable #rrggbb colour', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        expect(actorColor(id)).toMatch(/^#[0-9a-f]{6}$/);
        expect(actorColor(id)).toBe(actorColor(id));
      }),
    );
  });
});
