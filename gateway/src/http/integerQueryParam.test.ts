import { parse } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerQueryParam } from './integerQueryParam.ts';

const LIMIT = { min: 1, max: 50, default: 20 } as const;
/** What Express's `simple` query parser (`querystring.parse`) gives a route for `search`. */
const limitOf = (search: string) => integerQueryParam(parse(search), 'limit', LIMIT);

describe('integerQueryParam', () => {
  it('[CONTRACT 3] absent is the default; one in-range integer is taken', () => {
    expect(limitOf('tenant_id=a')).toEqual({ ok: true, value: 20 });
    expect(limitOf('limit=5')).toEqual({ ok: true, value: 5 });
    expect(limitOf('limit=050')).toEqual({ ok: true, value: 50 });
  });

  it('[CONTRACT 3] a parameter given twice says so, not "must be an integer"', () => {
    expect(limitOf('limit=5&limit=6')).toEqual({
      ok: false,
      message: 'limit: given 2 times; send it once, as an integer from 1 to 50',
    });
  });

  it('[CONTRACT 3] the bracket forms limit[]= and limit[a]= are refused, not silently ignored', () => {
    for (const search of ['limit[]=5', 'limit[a]=3', 'limit=5&limit[]=6']) {
      const result = limitOf(search);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.message).toMatch(/^limit: the bracket form limit\[[a-z]*\]= is not supported; send limit=/);
    }
  });

  it('[CONTRACT 3] out of range or not an integer names the value and the range', () => {
    expect(limitOf('limit=0')).toEqual({ ok: false, message: 'limit: must be an integer from 1 to 50, not "0"' });
    expect(limitOf('limit=1.5')).toEqual({ ok: false, message: 'limit: must be an integer from 1 to 50, not "1.5"' });
    expect(limitOf('limit=')).toEqual({ ok: false, message: 'limit: must be an integer from 1 to 50, not ""' });
  });

  it('[CONTRACT 3] any query: an integer in range, or a message starting with the name', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('limit', 'limit[]', 'limit[x]', 'other'), fc.string()), { maxLength: 4 }),
        (pairs) => {
          const search = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const result = limitOf(search);
          if (result.ok) {
            expect(Number.isInteger(result.value) && result.value >= 1 && result.value <= 50).toBe(true);
          } else {
            expect(result.message.startsWith('limit: ')).toBe(true);
          }
        },
      ),
    );
  });
});
