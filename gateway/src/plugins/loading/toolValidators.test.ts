import type { PluginManifest } from '@easel/schemas';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSchemaErrors, toolValidators } from './toolValidators.ts';

const OPTIONS = { strict: false, allErrors: false, validateFormats: false, allowUnionTypes: true } as const;

function manifestWith(tools: Record<string, { input: unknown; output: unknown }>): PluginManifest {
  const full: Record<string, object> = {};
  for (const [name, schemas] of Object.entries(tools)) {
    full[name] = { description: name, timeout_ms: 10, memory_mb: 64, idempotent: true, ...schemas };
  }
  return { name: 'p', version: '1.0.0', description: 'p', entry: 'index.mjs', device: 'any', tools: full } as never;
}

const FRAME = {
  type: 'object',
  properties: {
    frames: { type: 'array', items: { $ref: '#/$defs/frame' }, maxItems: 3 },
    mode: { enum: ['fast', 'slow'] },
    label: { type: 'string', pattern: '^[a-z]*$' },
  },
  required: ['frames'],
  additionalProperties: false,
  $defs: { frame: { type: 'object', properties: { width: { type: 'integer', minimum: 1 } }, required: ['width'] } },
} as const;

const DRAFT7 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { n: { type: 'number', exclusiveMinimum: 0 }, items: { type: 'array', items: [{ type: 'string' }] } },
  definitions: { unused: { type: 'null' } },
} as const;

describe('[CONTRACT 9] tool schema checks: refused at load when invalid, compiled on first use', () => {
  it('[CONTRACT 9] a schema that is not valid JSON Schema is refused at load, naming the field (both drafts)', () => {
    expect(toolValidators(manifestWith({ run: { input: {}, output: { type: 'no-such-type' } } }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^plugin\.json: tools\.run\.output: not a valid JSON Schema \(schema is invalid: /),
    });
    const badDraft7 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: 'n' };
    expect(toolValidators(manifestWith({ a: { input: {}, output: {} }, b: { input: badDraft7, output: {} } }))).toEqual(
      {
        ok: false,
        error: expect.stringMatching(/^plugin\.json: tools\.b\.input: not a valid JSON Schema \(schema is invalid: /),
      },
    );
    const unknownDraft = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' };
    expect(toolValidators(manifestWith({ run: { input: unknownDraft, output: {} } }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^plugin\.json: tools\.run\.input: not a valid JSON Schema \(no schema with key/),
    });
  });

  it('[CONTRACT 9] a schema that passes its meta-schema but cannot compile loads; every call of its check fails naming the field', () => {
    const loaded = toolValidators(manifestWith({ run: { input: { $ref: '#/$defs/missing' }, output: {} } }));
    if (!loaded.ok) throw new Error(loaded.error);
    const check = loaded.value.get('run')?.input;
    if (!check) throw new Error('no check');
    for (let i = 0; i < 2; i++) {
      expect(check({})).toBe(false);
      expect(describeSchemaErrors('input', check.errors)).toMatch(
        /^input: the tool's schema does not compile \(plugin\.json: tools\.run\.input: .*missing/,
      );
    }
    // The other checks of the plugin are unaffected.
    expect(loaded.value.get('run')?.output(42)).toBe(true);
  });

  it('[CONTRACT 9] schemas of one plugin that share an $id compile apart', () => {
    const withId = { $id: 'https://example.test/frame', type: 'object' };
    const loaded = toolValidators(
      manifestWith({ a: { input: withId, output: withId }, b: { input: withId, output: {} } }),
    );
    if (!loaded.ok) throw new Error(loaded.error);
    for (const check of [loaded.value.get('a')?.input, loaded.value.get('a')?.output, loaded.value.get('b')?.input]) {
      expect(check?.({})).toBe(true);
      expect(check?.([])).toBe(false);
      expect(describeSchemaErrors('input', check?.errors)).toBe('input: must be object');
    }
  });

  it('[CONTRACT 9] property: the lazy checks answer exactly as Ajv compiled eagerly (2020-12 and draft-07)', () => {
    const loaded = toolValidators(manifestWith({ run: { input: FRAME, output: DRAFT7 } }));
    if (!loaded.ok) throw new Error(loaded.error);
    const { input, output } = loaded.value.get('run') ?? {};
    if (!input || !output) throw new Error('no checks');
    const eagerIn = new Ajv2020(OPTIONS).compile(FRAME);
    const eagerOut = new Ajv(OPTIONS).compile(DRAFT7);
    const frameArb = fc.record({ width: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string()) }, { requiredKeys: [] });
    const inputArb = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          frames: fc.array(frameArb, { maxLength: 4 }),
          mode: fc.constantFrom('fast', 'slow', 'other'),
          label: fc.string({ maxLength: 4 }),
        },
        { requiredKeys: [] },
      ),
    );
    const outputArb = fc.oneof(
      fc.jsonValue(),
      fc.record({ n: fc.oneof(fc.double({ noNaN: true }), fc.string()), items: fc.array(fc.jsonValue()) }),
    );
    fc.assert(
      fc.property(inputArb, outputArb, (inValue, outValue) => {
        expect(input(inValue)).toBe(eagerIn(inValue));
        expect(input.errors ?? null).toEqual(eagerIn.errors ?? null);
        expect(output(outValue)).toBe(eagerOut(outValue));
        expect(output.errors ?? null).toEqual(eagerOut.errors ?? null);
      }),
      { numRuns: 200 },
    );
  });
});
