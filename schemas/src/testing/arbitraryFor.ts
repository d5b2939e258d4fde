// Test helper: derives a fast-check arbitrary of *valid, already-parsed* values from a zod schema,
// so round-trip tests cover every exported schema. Refinements (superRefine/refine) are not
// derivable: schemas with them get a hand-written arbitrary through `overrides`.
import fc from 'fast-check';
import type { z } from 'zod';

type Def = Record<string, unknown> & { type: string };
type Overrides = Map<unknown, fc.Arbitrary<unknown>>;

const safeKey = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');

/** JSON values without `__proto__` keys and without -0 (JSON has no -0). */
export const jsonArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(safeKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

interface Limits {
  min?: number;
  max?: number;
  minExcluded?: boolean;
  maxExcluded?: boolean;
  patterns: RegExp[];
}

function limitsOf(def: Def): Limits {
  const out: Limits = { patterns: [] };
  for (const check of (def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []) {
    const c = check._zod.def;
    if (c.check === 'string_format' && c.pattern instanceof RegExp) out.patterns.push(c.pattern);
    if (c.check === 'min_length' || c.check === 'min_size') out.min = Math.max(out.min ?? 0, c.minimum as number);
    if (c.check === 'max_length' || c.check === 'max_size')
      out.max = Math.min(out.max ?? Infinity, c.maximum as number);
    if (c.check === 'greater_than') {
      out.min = c.value as number;
      out.minExcluded = !c.inclusive;
    }
    if (c.check === 'less_than') {
      out.max = c.value as number;
      out.maxExcluded = !c.inclusive;
    }
  }
  return out;
}

const isoArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function stringArb(def: Def): fc.Arbitrary<string> {
  const lim = limitsOf(def);
  if (def.format === 'datetime') return isoArb;
  if (def.format === 'url') return fc.webUrl();
  const min = lim.min ?? 0;
  const max = Math.min(lim.max ?? 40, Math.max(min, 40));
  const patterns = def.pattern instanceof RegExp ? [def.pattern, ...lim.patterns] : lim.patterns;
  if (patterns.length === 0) return fc.string({ minLength: min, maxLength: max });
  const [first, ...rest] = patterns as [RegExp, ...RegExp[]];
  return fc
    .stringMatching(first, { size: 'small' })
    .filter((s) => s.length >= min && s.length <= (lim.max ?? Infinity) && rest.every((r) => r.test(s)));
}

function numberArb(def: Def): fc.Arbitrary<number> {
  const lim = limitsOf(def);
  if (def.format === 'safeint' || def.format === 'int32') {
    const lo = Math.max(lim.min ?? -1e9, Number.MIN_SAFE_INTEGER) + (lim.minExcluded ? 1 : 0);
    const hi = Math.min(lim.max ?? 1e9, Number.MAX_SAFE_INTEGER) - (lim.maxExcluded ? 1 : 0);
    return fc.integer({ min: lo, max: hi });
  }
  return fc
    .double({
      min: lim.min ?? -1e9,
      max: lim.max ?? 1e9,
      minExcluded: lim.minExcluded ?? false,
      maxExcluded: lim.maxExcluded ?? false,
      noNaN: true,
      noDefaultInfinity: true,
    })
    .filter((n) => !Object.is(n, -0));
}

/**
 * An arbitrary of values `schema` accepts and returns unchanged. Derived arbitraries are cached
 * in `overrides` (keyed by schema instance).
 */
export function arbitraryFor(schema: z.ZodType, overrides: Overrides = new Map(), depth = 0): fc.Arbitrary<unknown> {
  const hit = overrides.get(schema);
  if (hit) return hit;
  const arb = derive(schema, overrides, depth);
  overrides.set(schema, arb);
  return arb;
}

function derive(schema: z.ZodType, overrides: Overrides, depth: number): fc.Arbitrary<unknown> {
  if (depth > 12) throw new Error('arbitraryFor: schema too deep (recursive? add an override)');
  const def = defOf(schema);
  const next = (s: unknown) => arbitraryFor(s as z.ZodType, overrides, depth + 1);
  switch (def.type) {
    case 'string':
      return stringArb(def);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'unknown':
    case 'any':
      return jsonArb;
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'optional':
      return next(def.innerType);
    case 'default':
      return next(def.innerType);
    case 'nullable':
      return fc.option(next(def.innerType), { nil: null, freq: 4 });
    case 'array': {
      const lim = limitsOf(def);
      const min = lim.min ?? 0;
      return fc.array(next(def.element), { minLength: min, maxLength: Math.min(lim.max ?? 4, min + 4) });
    }
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(next));
    case 'record':
      // zod assigns record keys, so `__proto__` would set the prototype instead: leave it out.
      return fc.dictionary(
        (next(def.keyType) as fc.Arbitrary<string>).filter((k) => k !== '__proto__'),
        next(def.valueType),
        { maxKeys: 3 },
      );
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(shape)) {
        model[key] = next(field);
        // Fields with a default are always present: parse would add them.
        if (defOf(field).type !== 'optional') required.push(key);
      }
      return fc.record(model, { requiredKeys: required });
    }
    default:
      throw new Error(`arbitraryFor: no derivation for zod type "${def.type}"; add an override`);
  }
}
