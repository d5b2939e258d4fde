import { describe, expect, it } from 'vitest';
import { ClientIdClaims } from './ClientIdClaims.ts';

describe('ClientIdClaims', () => {
  it('[CONTRACT 7] an id is its first actor’s while held and for holdMs after its last holder left', () => {
    let now = 0;
    const claims = new ClientIdClaims({ holdMs: 100, now: () => now });
    expect(claims.claim('d', 1, 'vic')).toBe(true);
    expect(claims.claim('d', 1, 'vic')).toBe(true); // a reconnect overlapping the old connection
    expect(claims.claim('d', 1, 'ann')).toBe(false);
    expect(claims.claim('other', 1, 'ann')).toBe(true); // per document
    claims.release('d', 1, 'ann'); // not ann's: ignored
    claims.release('d', 1, 'vic');
    now = 500;
    expect(claims.claim('d', 1, 'ann')).toBe(false); // vic still holds it once
    claims.release('d', 1, 'vic');
    now = 599;
    expect(claims.claim('d', 1, 'ann')).toBe(false);
    now = 600;
    expect(claims.claim('d', 1, 'ann')).toBe(true);
  });

  it('remembers at most maxReleased released ids (the oldest go first); held ones stay', () => {
    const claims = new ClientIdClaims({ holdMs: 60_000, maxReleased: 3, now: () => 0 });
    for (let id = 0; id < 10; id++) {
      claims.claim('d', id, 'vic');
      claims.release('d', id, 'vic');
    }
    claims.claim('d', 100, 'vic');
    expect(claims.size).toBe(4);
    expect(claims.claim('d', 9, 'ann')).toBe(false);
    expect(claims.claim('d', 0, 'ann')).toBe(true);
  });
});
