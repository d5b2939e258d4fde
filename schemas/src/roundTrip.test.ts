import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as api from './index.ts';
import { arbitraryFor } from './testing/arbitraryFor.ts';
import { schemaOverrides } from './testing/overrides.ts';

const schemas = Object.entries(api as Record<string, unknown>)
  .filter(([, value]) => value instanceof z.ZodType)
  .map(([name, value]) => [name, value as z.ZodType] as const);
const overrides = schemaOverrides();

describe('[CONTRACT 4-10] every exported schema round-trips valid values', () => {
  it('exports a good number of schemas', () => {
    expect(schemas.length).toBeGreaterThan(100);
  });

  for (const [name, schema] of schemas) {
    it(`${name}: valid → parse → equal`, () => {
      const arb = arbitraryFor(schema, overrides);
      fc.assert(
        fc.property(arb, (value) => {
          const parsed = schema.safeParse(value);
          if (!parsed.success)
            throw new Error(`${api.describeZodError(parsed.error).message} for ${JSON.stringify(value)}`);
          expect(parsed.data).toEqual(value);
          // The wire form survives JSON too.
          expect(schema.parse(JSON.parse(JSON.stringify(value)))).toEqual(value);
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe('[CONTRACT 3] junk in: safeParse fails with a message and never throws', () => {
  for (const [name, schema] of schemas) {
    it(`${name}: fc.anything()`, () => {
      fc.assert(
        fc.property(fc.anything({ maxDepth: 3 }), (junk) => {
          const parsed = schema.safeParse(junk);
          if (!parsed.success) {
            const described = api.describeZodError(parsed.error);
            expect(described.message.length).toBeGreaterThan(0);
            expect(described.message.length).toBeLessThanOrEqual(api.MAX_MESSAGE_LENGTH);
            expect(described.details.issues.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 40 },
      );
    });
  }
});
