import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sidecarBytes } from './sha256Hex.ts';

describe('sha256Hex (contract 8: uploads declare the SHA-256 of their bytes)', () => {
  it('[CONTRACT 8] equals node:crypto on any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('[CONTRACT 8] a Blob, an ArrayBuffer and a Uint8Array of the same bytes hash alike', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const expected = await sha256Hex(bytes);
        const copy = new Uint8Array(bytes);
        for (const data of [new Blob([copy]), copy.buffer, bytes]) {
          const read = await sidecarBytes(data);
          expect(read).toEqual(bytes);
          expect(await sha256Hex(read)).toBe(expected);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('[CONTRACT 8] a view into a larger buffer hashes only its own bytes', async () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const view = whole.subarray(2, 4);
    expect(await sha256Hex(view)).toBe(
      createHash('sha256')
        .update(Buffer.from([3, 4]))
        .digest('hex'),
    );
  });
});
