import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenDeclarationSchema } from './tokenDeclarationSchema.ts';
import { tokenDefault, type TokenValueRules, validateTokenValue } from './validateTokenValue.ts';

const ok = (decl: TokenValueRules, value: unknown) => validateTokenValue(decl, value).ok;
const message = (decl: TokenValueRules, value: unknown) => {
  const r = validateTokenValue(decl, value);
  return r.ok ? '' : r.message;
};

describe('[CONTRACT 5] validateTokenValue', () => {
  it('string: type and max_length (default 10 000)', () => {
    expect(ok({ type: 'string' }, 'hi')).toBe(true);
    expect(ok({ type: 'string' }, 'x'.repeat(10_000))).toBe(true);
    expect(ok({ type: 'string' }, 'x'.repeat(10_001))).toBe(false);
    expect(ok({ type: 'string', max_length: 3 }, 'abcd')).toBe(false);
    expect(message({ type: 'string', max_length: 3 }, 'abcd')).toBe('must be at most 3 characters (got 4)');
    expect(message({ type: 'string' }, 5)).toBe('must be a string (got a number)');
  });

  it('number: finite, within min/max', () => {
    const decl: TokenValueRules = { type: 'number', min: 0, max: 10 };
    expect(ok(decl, 0)).toBe(true);
    expect(ok(decl, 10)).toBe(true);
    expect(ok(decl, 10.5)).toBe(false);
    expect(message(decl, -1)).toBe('must be at least 0 (got -1)');
    expect(ok({ type: 'number' }, Number.POSITIVE_INFINITY)).toBe(false);
    expect(ok({ type: 'number' }, Number.NaN)).toBe(false);
    expect(ok({ type: 'number' }, '5')).toBe(false);
  });

  it('boolean', () => {
    expect(ok({ type: 'boolean' }, false)).toBe(true);
    expect(ok({ type: 'boolean' }, 'true')).toBe(false);
    expect(ok({ type: 'boolean' }, 0)).toBe(false);
  });

  it('enum: one of values', () => {
    const decl: TokenValueRules = { type: 'enum', values: ['calm', 'bold'] };
    expect(ok(decl, 'calm')).toBe(true);
    expect(ok(decl, 'loud')).toBe(false);
    expect(message(decl, 'loud')).toBe('must be one of "calm", "bold"');
    expect(ok({ type: 'enum' }, 'x')).toBe(false);
    expect(message({ type: 'enum', values: [] }, 'x')).toBe('cannot be set: the enum declares no values');
  });

  it('color: #rgb or #rrggbb, case-insensitive', () => {
    for (const c of ['#000', '#fff', '#FFF', '#a1B2c3', '#000000']) expect(ok({ type: 'color' }, c)).toBe(true);
    for (const c of ['000', '#00', '#0000', '#ggg', 'red', '#1234567', ' #fff', 7])
      expect(ok({ type: 'color' }, c)).toBe(false);
  });

  it('json: any JSON, at most 16 KiB serialized', () => {
    expect(ok({ type: 'json' }, { a: [1, 'b', null, true] })).toBe(true);
    expect(ok({ type: 'json' }, null)).toBe(true);
    expect(ok({ type: 'json' }, 'x'.repeat(16_000))).toBe(true);
    expect(ok({ type: 'json' }, 'x'.repeat(16_400))).toBe(false);
    expect(ok({ type: 'json' }, undefined)).toBe(false);
    expect(ok({ type: 'json' }, { a: undefined })).toBe(false);
    expect(ok({ type: 'json' }, Number.NaN)).toBe(false);
    expect(ok({ type: 'json' }, new Date())).toBe(false);
    expect(ok({ type: 'json' }, () => 1)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(ok({ type: 'json' }, cyclic)).toBe(false);
    // multi-byte characters count in bytes
    expect(ok({ type: 'json' }, 'é'.repeat(9000))).toBe(false);
  });

  it('never throws, and an ok value is the input', () => {
    const declArb = fc.record({
      type: fc.constantFrom('string', 'number', 'boolean', 'enum', 'color', 'json') as fc.Arbitrary<
        TokenValueRules['type']
      >,
      values: fc.option(fc.array(fc.string(), { maxLength: 3 }), { nil: undefined }),
      min: fc.option(fc.double(), { nil: undefined }),
      max: fc.option(fc.double(), { nil: undefined }),
      max_length: fc.option(fc.nat(20), { nil: undefined }),
    });
    fc.assert(
      fc.property(declArb, fc.anything(), (decl, value) => {
        const r = validateTokenValue(decl, value);
        if (r.ok) expect(r.value).toBe(value);
        else expect(r.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('tokenDefault satisfies every valid declaration', () => {
    for (const decl of [
      { type: 'string' },
      { type: 'number', min: 5, max: 9 },
      { type: 'number', min: -9, max: -5 },
      { type: 'boolean' },
      { type: 'enum', values: ['x', 'y'] },
      { type: 'color' },
      { type: 'json' },
      { type: 'number', default: 7 },
    ] as const) {
      const parsed = tokenDeclarationSchema.parse(decl);
      expect(validateTokenValue(parsed, tokenDefault(parsed)).ok).toBe(true);
    }
    expect(tokenDefault({ type: 'number', default: 7 })).toBe(7);
  });
});
