import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_PAYLOAD_SCHEMAS } from '../events/downstreamEventSchema.ts';
import { GuardWriter } from '../gen/buildGuards.ts';
import { ANSWER_GUARD_TARGETS, EVENT_GUARD_TARGETS, payloadExportName } from '../gen/guardSpec.ts';
import { arbitraryFor, jsonArb } from '../testing/arbitraryFor.ts';
import * as api from '../index.ts';
import { BASE64_PATTERN, BASE64_RE } from '../lib/patterns.ts';
import { schemaOverrides } from '../testing/overrides.ts';
import { createAnswerGuards } from './generated/answers.ts';
import * as generated from './generated/guards.ts';
import * as entry from './index.ts';
import * as runtime from './runtime.ts';
import { GUARD_RUNTIME, type Guard } from './runtime.ts';

const answers = createAnswerGuards(GUARD_RUNTIME);

const overrides = schemaOverrides();

/** Every guarded schema with its generated guard (events and states, then HTTP answers). */
const guarded: Array<[string, z.ZodType, Guard<unknown>]> = [
  ...[
    ...Object.entries(EVENT_GUARD_TARGETS),
    ...Object.values(EVENT_PAYLOAD_SCHEMAS).map((schema) => [payloadExportName(schema), schema] as const),
  ].map(([name, schema]) => [name, schema, generated] as const),
  ...Object.entries(ANSWER_GUARD_TARGETS).map(([name, schema]) => [name, schema, answers] as const),
].map(([name, schema, module]) => {
  const guard = (module as unknown as Record<string, Guard<unknown>>)[`${name.replace(/Schema$/, '')}Guard`];
  if (!guard) throw new Error(`no generated guard for ${name}`);
  return [name, schema as z.ZodType, guard];
});

/** Values JSON.parse can produce that break schemas in many ways. */
const junkArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 1.5, 2 ** 53, 1e300, '', 'x', [], {}, '\uD83D\uDE00', '\uD800'),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', ' ', '/', '\uD83D\uDE00', '\uD800', '#'), maxLength: 80 }),
  fc.integer({ min: -5, max: 70_000 }),
  jsonArb,
);

type Path = Array<string | number>;

/** Every path inside a JSON value (the root included). */
function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (out.length > 200) return out;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) pathsOf(value[i], [...path, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  }
  return out;
}

/** A deep copy of `value` with one change at `path`: replaced, removed, or a key/item added. */
function mutate(value: unknown, path: Path, kind: number, junk: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  if (path.length === 0) return kind % 2 === 0 ? junk : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const target = parent[last];
  switch (kind % 5) {
    case 0:
      parent[last] = junk;
      break;
    case 1:
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 2:
      if (Array.isArray(target)) target.push(junk);
      else if (target !== null && typeof target === 'object') (target as Record<string, unknown>).extra_key = junk;
      else parent[last] = junk;
      break;
    case 3:
      parent[last] = typeof target === 'string' ? `${target}${target}\uD83D\uDE00` : junk;
      break;
    default:
      parent[last] = typeof target === 'number' ? target + (kind % 3 === 0 ? 0.5 : -1_000_001) : undefined;
  }
  return JSON.parse(JSON.stringify(copy) ?? 'null');
}

type ZodIssue = z.core.$ZodIssue;

/** True when zod's objections are refinements only (a union counts when one of its branches does). */
function onlyRefinements(issues: readonly ZodIssue[]): boolean {
  return (
    issues.length > 0 &&
    issues.every(
      (issue) =>
        issue.code === 'custom' ||
        (issue.code === 'invalid_union' && issue.errors.some((branch) => onlyRefinements(branch))),
    )
  );
}

/**
 * Both validators agree — same verdict, same output — except where zod's only objection is a
 * refinement (`.refine` / `.superRefine`), which the structural guards leave to `validate: 'full'`.
 * Returns zod's verdict, or `'refinement'` for that exception.
 */
function agree(schema: z.ZodType, guard: Guard<unknown>, value: unknown): boolean | 'refinement' {
  const want = schema.safeParse(value);
  const got = guard.safeParse(value);
  if (!want.success && got.success && onlyRefinements(want.error.issues)) return 'refinement';
  expect(got.success, `${JSON.stringify(value)}: zod ${want.success ? 'accepts' : 'refuses'}`).toBe(want.success);
  if (want.success && got.success) expect(got.data).toEqual(want.data);
  if (!got.success) expect(got.error.issues[0]!.message.length).toBeGreaterThan(0);
  return want.success;
}

describe('[CONTRACT 3-10] generated guards accept what the zod schemas accept (refinements aside)', () => {
  it('covers every guard target and every event payload', () => {
    expect(guarded.length).toBe(
      Object.keys(EVENT_GUARD_TARGETS).length +
        Object.keys(EVENT_PAYLOAD_SCHEMAS).length +
        Object.keys(ANSWER_GUARD_TARGETS).length,
    );
  });

  for (const [name, schema, guard] of guarded) {
    it(`${name}: valid samples, mutated samples and junk`, () => {
      const valid = arbitraryFor(schema, overrides);
      fc.assert(
        fc.property(valid, (value) => {
          expect(agree(schema, guard, value)).toBe(true);
        }),
        { numRuns: 40 },
      );
      let refused = 0;
      fc.assert(
        fc.property(valid, fc.nat(), fc.nat(), junkArb, (value, at, kind, junk) => {
          const paths = pathsOf(value);
          const mutated = mutate(value, paths[at % paths.length]!, kind, junk);
          if (agree(schema, guard, mutated) === false) refused++;
        }),
        { numRuns: 250 },
      );
      expect(refused).toBeGreaterThan(0);
      fc.assert(
        fc.property(junkArb, (junk) => {
          agree(schema, guard, junk);
        }),
        { numRuns: 40 },
      );
    });
  }
});

/** Compiles a guard for any zod schema with the generator, for semantics tests on small schemas. */
function compileGuard(schema: z.ZodType): Guard<unknown> {
  const writer = new GuardWriter([schema]);
  const root = writer.check(schema, 'test');
  const text = writer
    .module([`return guard(${root});`])
    .split('\n')
    .filter((line) => !line.startsWith('import') && !line.startsWith('//'))
    .join('\n')
    .replace(/: Check =/g, ' =');
  const scope = { ...runtime };
  const run = new Function(...Object.keys(scope), text) as (...args: unknown[]) => Guard<unknown>;
  return run(...Object.values(scope));
}

describe('guard runtime semantics match zod', () => {
  const cases: Array<[string, z.ZodType, fc.Arbitrary<unknown>]> = [
    [
      'string lengths count code points',
      z.string().min(2).max(3),
      fc.string({ unit: fc.constantFrom('a', '\uD83D\uDE00', '\uD800', '\uDC00'), maxLength: 8 }),
    ],
    [
      'urls are trimmed',
      z.url(),
      fc.oneof(fc.webUrl(), fc.constantFrom(' http://a.b/c ', 'http://a\tb/', 'nope', ' ')),
    ],
    [
      'objects strip, keep or refuse unknown keys; defaults fill in',
      z.object({
        a: z.strictObject({ b: z.int().optional() }),
        c: z.looseObject({ d: z.string().default('x') }),
        e: z.number().gt(0).lt(10).nullable().optional(),
        f: z.unknown(),
      }),
      fc.record(
        {
          a: fc.oneof(fc.constant({}), fc.record({ b: fc.oneof(fc.integer(), fc.double()) }), jsonArb),
          c: fc.oneof(fc.constant({}), fc.record({ d: fc.string() }), fc.dictionary(fc.string(), jsonArb)),
          e: fc.oneof(fc.constant(null), fc.constant(undefined), fc.double({ min: -1, max: 11 })),
          f: jsonArb,
          g: jsonArb,
        },
        { requiredKeys: [] },
      ),
    ],
    [
      'records skip __proto__; unions take the first match',
      z.union([z.record(z.string().regex(/^[a-z]+$/), z.union([z.string().max(2), z.number()])), z.array(z.boolean())]),
      fc.oneof(
        fc.dictionary(
          fc.constantFrom('ab', 'x', 'A', '__proto__', ''),
          fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
        ),
        fc.array(fc.oneof(fc.boolean(), fc.integer()), { maxLength: 3 }),
        jsonArb,
      ),
    ],
    [
      'discriminated unions dispatch on the tag',
      z.discriminatedUnion('ok', [
        z.object({ ok: z.literal(true), v: z.json() }),
        z.object({ ok: z.literal(false), e: z.enum(['x', 'y']) }),
      ]),
      fc.record(
        { ok: fc.oneof(fc.boolean(), fc.constant('true')), v: jsonArb, e: fc.constantFrom('x', 'y', 'z') },
        { requiredKeys: ['ok'] },
      ),
    ],
  ];
  for (const [label, schema, arb] of cases) {
    it(label, () => {
      const guard = compileGuard(schema);
      fc.assert(
        fc.property(fc.oneof(arb, junkArb), (value) => {
          agree(schema, guard, JSON.parse(JSON.stringify(value ?? null)));
        }),
        { numRuns: 400 },
      );
    });
  }

  // Refined schemas: shapes drawn so that each rule is broken about half the time.
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
  const smallJson = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.integer({ min: -3, max: 3 }),
    fc.boolean(),
    fc.constant(null),
  );
  const refined: Array<[string, z.ZodType, fc.Arbitrary<unknown>]> = [
    ['frameRangeSchema', api.frameRangeSchema, fc.record({ start: fc.nat(5), end: fc.nat(5) })],
    [
      'tokenDeclarationSchema',
      api.tokenDeclarationSchema,
      fc.record(
        {
          type: fc.constantFrom(...api.TOKEN_TYPES),
          values: maybe(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 })),
          min: maybe(fc.integer({ min: -3, max: 3 })),
          max: maybe(fc.integer({ min: -3, max: 3 })),
          max_length: maybe(fc.integer({ min: 1, max: 3 })),
          default: maybe(fc.oneof(smallJson, fc.constantFrom('#abc', 'a', 'abcd'))),
        },
        { requiredKeys: ['type'] },
      ),
    ],
    [
      'canvasTypeManifestSchema',
      api.canvasTypeManifestSchema,
      fc.record(
        {
          type: fc.constant('t'),
          version: fc.constant('1.0.0'),
          title: fc.constant('T'),
          roots: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom(...api.ROOT_KINDS), { maxKeys: 2 }),
          tokens: maybe(fc.dictionary(fc.constantFrom('x', 'y'), fc.constant({ type: 'string' }), { maxKeys: 2 })),
          tools: maybe(
            fc.array(
              fc.record({ id: fc.constantFrom('p', 'q'), label: fc.constant('P'), command: fc.constant('state.ops') }),
              {
                maxLength: 2,
              },
            ),
          ),
        },
        { requiredKeys: ['type', 'version', 'title', 'roots'] },
      ),
    ],
    [
      'stateOpSchema',
      api.stateOpSchema,
      fc.record(
        {
          op: fc.constantFrom('insert', 'update', 'delete', 'move'),
          root: fc.constant('r'),
          key: maybe(fc.constantFrom('k', '')),
          index: maybe(fc.nat(3)),
          length: maybe(fc.nat(3)),
          path: maybe(fc.array(fc.constant('p'), { maxLength: 2 })),
          value: maybe(smallJson),
          from: maybe(fc.nat(3)),
          to: maybe(fc.nat(3)),
        },
        { requiredKeys: ['op', 'root'] },
      ),
    ],
  ];
  for (const [name, schema, arb] of refined) {
    it(`${name}: everything but its refinement is checked; the refinement is left to full validation`, () => {
      const guard = compileGuard(schema);
      const seen = { accepted: 0, refused: 0, refinement: 0 };
      fc.assert(
        fc.property(arb, (value) => {
          const verdict = agree(schema, guard, JSON.parse(JSON.stringify(value)));
          seen[verdict === 'refinement' ? 'refinement' : verdict ? 'accepted' : 'refused']++;
        }),
        // 2000 runs: the generator's share of accepted values is a few percent, so 500 runs
        // sometimes gave fewer than 10 (a flaky floor, not a guard bug).
        { numRuns: 2000 },
      );
      expect(seen.accepted).toBeGreaterThan(10);
      expect(seen.refinement).toBeGreaterThan(0);
    });
  }

  it('refuses what it cannot mirror: a transform, an unknown string format', () => {
    expect(() => compileGuard(z.string().transform((t) => t.length))).toThrow(/cannot express/);
    expect(() => compileGuard(z.email())).toThrow(/string format email/);
  });

  it('issues carry the path of the first refused value', () => {
    const parsed = answers.pluginListGuard.safeParse({ plugins: [{ name: 'p', state: 'NOPE' }] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues[0]!.path).toEqual(['plugins', 0, 'state']);
  });
});

describe('[CONTRACT 4] base64 guard: a linear scan that accepts exactly what BASE64_PATTERN accepts', () => {
  const unit = fc.constantFrom('A', 'Q', 'z', 'g', '0', '9', '+', '/', '=', '-', '_', ' ', '\n', '\u00e9');
  const texts = fc.oneof(
    fc.string({ unit, maxLength: 13 }),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    // valid base64 with one character replaced
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), unit).map(([bytes, at, c]) => {
      const text = Buffer.from(bytes).toString('base64');
      const i = at % text.length;
      return text.slice(0, i) + c + text.slice(i + 1);
    }),
  );

  it('has the regex source and agrees with BASE64_RE on every string', () => {
    expect(runtime.base64Pattern.source).toBe(BASE64_PATTERN);
    fc.assert(
      fc.property(texts, (text) => {
        expect(runtime.base64Pattern.test(text)).toBe(BASE64_RE.test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('the generated guard uses it: same verdict and message as zod for base64 fields', () => {
    const guard = compileGuard(api.base64Schema);
    fc.assert(
      fc.property(texts, (text) => {
        agree(api.base64Schema, guard, text);
      }),
      { numRuns: 500 },
    );
    expect(generated.statePatchPayloadGuard.safeParse({ roots: [], revision: 1, update: 'AAA=' }).success).toBe(true);
    const bad = generated.statePatchPayloadGuard.safeParse({ roots: [], revision: 1, update: 'AA=A' });
    expect(bad.success ? null : bad.error.issues[0]).toEqual({
      path: ['update'],
      message: `must match ${BASE64_PATTERN}`,
    });
  });

  it('checks a multi-megabyte snapshot, and refuses one bad character at its end', () => {
    const text = Buffer.alloc(3 << 20, 7).toString('base64');
    expect(runtime.base64Pattern.test(text)).toBe(true);
    expect(runtime.base64Pattern.test(`${text.slice(0, -4)}AA-=`)).toBe(false);
  });
});

describe('@easel/schemas/guards entry', () => {
  it('exports every generated guard', () => {
    for (const name of Object.keys(generated)) expect(entry, name).toHaveProperty(name);
  });
});
