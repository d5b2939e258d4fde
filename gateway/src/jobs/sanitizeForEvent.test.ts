import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeForEvent } from './sanitizeForEvent.ts';

function strings(value: unknown, out: Array<{ key: string | null; text: string }> = [], key: string | null = null) {
  if (typeof value === 'string') out.push({ key, text: value });
  else if (Array.isArray(value)) for (const v of value) strings(v, out, null);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) strings(v, out, k);
  }
  return out;
}

describe('sanitizeForEvent', () => {
  it('[CONTRACT 4] no bytes in events: *_base64 fields and data: URIs are omitted, long text is cut', () => {
    const png = 'iVBORw0KGgo'.repeat(500);
    const out = sanitizeForEvent({
      png_base64: 'AAAA',
      svg: `<svg>${'x'.repeat(5000)}</svg>`,
      uri: 'data:image/png;base64,AAAA',
      blob: png,
      nested: [{ thumbnail: { data_base64: png } }],
      n: Number.NaN,
      ok: true,
    });
    expect(out).toEqual({
      png_base64: '[omitted: 4 characters]',
      svg: expect.stringMatching(/^<svg>x+…$/),
      uri: '[omitted: 26 characters]',
      blob: `[omitted: ${png.length} characters]`,
      nested: [{ thumbnail: { data_base64: `[omitted: ${png.length} characters]` } }],
      n: null,
      ok: true,
    });
    expect((out as { svg: string }).svg).toHaveLength(2048);
  });

  it('[CONTRACT 4] property: any value in, JSON out within the bounds, never a throw', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withTypedArray: true }), (value) => {
        const out = sanitizeForEvent(value, { maxString: 64, maxEntries: 20, maxDepth: 6 });
        const text = JSON.stringify(out);
        expect(JSON.parse(text)).toEqual(out);
        for (const { key, text: s } of strings(out)) {
          expect(s.length).toBeLessThanOrEqual(64);
          expect(s).not.toMatch(/^\s*data:/i);
          if (key?.endsWith('_base64')) expect(s).toMatch(/^\[omitted: \d+ characters\]$/);
        }
      }),
    );
  });

  it('[CONTRACT 4] property: small plain JSON passes unchanged', () => {
    const small = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 40 }).filter((s) => !/^\s*data:/i.test(s)),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(small, (value) => {
        expect(sanitizeForEvent(value)).toEqual(value);
      }),
    );
  });
});
