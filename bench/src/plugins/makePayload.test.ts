import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_PAYLOAD_BYTES, MIN_STRING_PAYLOAD_BYTES, makePayload, makeStringPayload } from './makePayload.ts';

describe('makePayload', () => {
  it('is exactly the asked size in JSON, whatever the size', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_PAYLOAD_BYTES, max: 50_000 }), (bytes) => {
        expect(JSON.stringify(makePayload(bytes)).length).toBe(bytes);
      }),
    );
  });

  it('is mostly structured data, not padding, and the same every time', () => {
    const payload = makePayload(10_240);
    expect(JSON.stringify(payload).length).toBe(10_240);
    expect(payload.blocks.length).toBeGreaterThan(100);
    expect(payload.pad.length).toBeLessThan(100);
    expect(payload.blocks[3]).toEqual({ id: 'b3', x: 111, y: 273, w: 120, h: 40, label: 'block 3' });
    expect(makePayload(10_240)).toEqual(payload);
  });

  it('refuses sizes it cannot produce', () => {
    expect(() => makePayload(MIN_PAYLOAD_BYTES - 1)).toThrow(RangeError);
    expect(() => makePayload(1000.5)).toThrow(RangeError);
    expect(makePayload(MIN_PAYLOAD_BYTES)).toEqual({ blocks: [], pad: '' });
  });
});

describe('makeStringPayload', () => {
  it('is one string, exactly the asked size in JSON', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_STRING_PAYLOAD_BYTES, max: 50_000 }), (bytes) => {
        const payload = makeStringPayload(bytes);
        expect(Object.keys(payload)).toEqual(['text']);
        expect(JSON.stringify(payload).length).toBe(bytes);
      }),
    );
    expect(() => makeStringPayload(MIN_STRING_PAYLOAD_BYTES - 1)).toThrow(RangeError);
  });
});
