import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError, formatPath, MAX_MESSAGE_LENGTH } from './describeZodError.ts';

describe('[CONTRACT 3] describeZodError', () => {
  it('formats paths with dots and indexes', () => {
    expect(formatPath(['scope', 'project_id'])).toBe('scope.project_id');
    expect(formatPath(['ops', 3, 'value'])).toBe('ops[3].value');
    expect(formatPath(['tokens', 'plan.title', 'default'])).toBe('tokens["plan.title"].default');
    expect(formatPath([])).toBe('(body)');
    expect(formatPath(['scope'], 'commands[2]')).toBe('commands[2].scope');
    expect(formatPath([0], 'commands')).toBe('commands[0]');
  });

  it('says required for a missing field and what type was expected otherwise', () => {
    const schema = z.object({ a: z.string(), b: z.number(), c: z.array(z.string()) });
    const r = schema.safeParse({ b: 'x', c: {} });
    expect(r.success).toBe(false);
    if (r.success) return;
    const d = describeZodError(r.error);
    expect(d.details.issues).toEqual([
      { path: 'a', message: 'required' },
      { path: 'b', message: 'must be a number (got string)' },
      { path: 'c', message: 'must be an array (got object)' },
    ]);
    expect(d.message).toBe('a: required; b: must be a number (got string); c: must be an array (got object)');
  });

  it('prefixes paths', () => {
    const r = z.object({ x: z.string() }).safeParse({});
    if (r.success) throw new Error('expected failure');
    expect(describeZodError(r.error, 'commands[4]').message).toBe('commands[4].x: required');
  });

  it('caps the message, says how many more, and keeps at most 20 detail issues', () => {
    const shape = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field_${i}`, z.string().min(5000)]));
    const r = z.object(shape).safeParse(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field_${i}`, 'x'])));
    if (r.success) throw new Error('expected failure');
    const d = describeZodError(r.error);
    expect(d.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(d.message).toMatch(/^field_0: /);
    expect(d.message).toContain('more)');
    expect(d.details.issues.length).toBe(20);
  });

  it('never throws on any issue list', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const r = z.object({ a: z.array(z.union([z.string(), z.number()])) }).safeParse(junk);
        if (!r.success) expect(describeZodError(r.error).message.length).toBeGreaterThan(0);
      }),
    );
    expect(describeZodError({ issues: [] }).message).toBe('(body): is invalid');
  });
});
