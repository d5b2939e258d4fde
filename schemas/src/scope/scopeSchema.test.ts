import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeZodError } from '../errors/describeZodError.ts';
import { canvasScopeSchema } from './canvasScopeSchema.ts';
import { entityIdSchema } from './entityIdSchema.ts';
import { partitionId } from './partitionId.ts';
import { scopeSchema } from './scopeSchema.ts';
import { slugSchema } from './slugSchema.ts';

const scope = { tenant_id: 'acme', project_id: 'demo', app_id: 'host', surface_id: 'main', mode: 'edit' };

function messageOf(schema: typeof scopeSchema | typeof canvasScopeSchema, input: unknown, prefix = 'scope'): string {
  const r = schema.safeParse(input);
  return r.success ? '' : describeZodError(r.error, prefix).message;
}

describe('[CONTRACT 1] identity and scope', () => {
  it.each(['a', '0', 'a-b', 'a_b', 'a.b', 'x'.repeat(64), '9lives'])('slug %j is valid', (slug) => {
    expect(slugSchema.safeParse(slug).success).toBe(true);
  });

  it.each(['', 'A', '-a', '_a', '.a', 'a b', 'a/b', 'x'.repeat(65), 'é', 'a\n'])('slug %j is refused', (slug) => {
    expect(slugSchema.safeParse(slug).success).toBe(false);
  });

  it('slug agrees with its regex for random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (text) => {
        expect(slugSchema.safeParse(text).success).toBe(/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(text));
      }),
    );
  });

  it('entity ids are slugs or ULIDs', () => {
    expect(entityIdSchema.safeParse('c1').success).toBe(true);
    expect(entityIdSchema.safeParse('01J9ZQ5W8XKQ3N4M5P6R7S8T9V').success).toBe(true);
    expect(entityIdSchema.safeParse('01J9ZQ5W8XKQ3N4M5P6R7S8T9I').success).toBe(false); // I is not Crockford
    expect(entityIdSchema.safeParse('01J9ZQ5W8XKQ3N4M5P6R7S8T9').success).toBe(false); // 25 upper-case chars
  });

  it('names the missing or malformed field', () => {
    expect(messageOf(scopeSchema, scope)).toBe('');
    expect(messageOf(scopeSchema, { ...scope, project_id: 'Demo' })).toBe(
      'scope.project_id: must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$',
    );
    const { app_id: _a, ...noApp } = scope;
    expect(messageOf(scopeSchema, noApp)).toBe('scope.app_id: required');
    expect(messageOf(scopeSchema, { ...scope, mode: 3 })).toBe('scope.mode: must be a string (got number)');
    expect(messageOf(canvasScopeSchema, scope)).toBe('scope.canvas_id: required');
    expect(messageOf(canvasScopeSchema, { ...scope, canvas_id: 'c1' })).toBe('');
  });

  it('strips unknown keys (query strings carry after=, access_token=)', () => {
    expect(scopeSchema.parse({ ...scope, access_token: 'x', after: 'y' })).toEqual(scope);
  });

  it('partition key is tenant/project', () => {
    expect(partitionId(scope)).toBe('acme/demo');
  });
});
