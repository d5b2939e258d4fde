import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.ts';

describe('base64', () => {
  it('encodes as standard padded base64 and decodes back, for any bytes (also large updates)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200_000 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(text)).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });

  it('answers null, never throws, for text that is not base64; otherwise decodes as Node does', () => {
    const alphabet = fc.constantFrom(...'AZaz09+/=-_ .é'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 24 }), (text) => {
        const bytes = base64ToBytes(text);
        // Refused: anything outside the base64 alphabet (forgiving decoding, as `atob` does).
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) expect(bytes).toBeNull();
        if (bytes !== null) expect(bytes).toEqual(new Uint8Array(Buffer.from(text, 'base64')));
      }),
      { numRuns: 500 },
    );
    for (const bad of ['a', 'ab=c', '====', 'é', 'abc=d===']) expect(base64ToBytes(bad)).toBeNull();
  });
});
