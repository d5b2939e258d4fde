import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/Principal.ts';
import { parseScope } from './parseScope.ts';

const me: Principal = { actorId: 'alice', tenantId: 'acme', kind: 'human', roles: ['editor'] };
const good = { tenant_id: 'acme', project_id: 'p1', app_id: 'app', surface_id: 'main', mode: 'edit' };

describe('parseScope', () => {
  it('[CONTRACT 1] accepts a well-formed scope and drops unknown keys', () => {
    const r = parseScope(me, { ...good, canvas_id: 'c1', access_token: 'x' }, { canvas: 'required' });
    expect(r).toEqual({ ok: true, value: { ...good, canvas_id: 'c1' } });
  });

  it('[CONTRACT 1] a missing field is 400 naming it', () => {
    const { app_id: _a, ...noApp } = good;
    const r = parseScope(me, noApp, { canvas: 'optional' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('validation_failed');
      expect(r.error.message).toContain('scope.app_id: required');
    }
  });

  it('[CONTRACT 1] a malformed slug is 400 naming the field', () => {
    const r = parseScope(me, { ...good, project_id: 'Bad Slug!' }, { canvas: 'optional', where: 'query' });
    expect(!r.ok && r.error.message).toContain('query.project_id');
  });

  it('[CONTRACT 1] canvas_id required / forbidden', () => {
    const r = parseScope(me, good, { canvas: 'required' });
    expect(!r.ok && r.error.message).toBe('scope.canvas_id: required');
    const f = parseScope(me, { ...good, canvas_id: 'c' }, { canvas: 'forbidden' });
    expect(!f.ok && f.error.message).toContain('not allowed');
  });

  it('[CONTRACT 1] a path field wins; the query naming another value is 400 naming both', () => {
    const same = parseScope(me, { ...good, canvas_id: 'c1' }, { canvas: 'required', fromPath: { canvas_id: 'c1' } });
    expect(same.ok && same.value.canvas_id).toBe('c1');
    const onlyPath = parseScope(me, good, { canvas: 'required', fromPath: { canvas_id: 'c1' } });
    expect(onlyPath.ok && onlyPath.value.canvas_id).toBe('c1');
    const other = parseScope(me, { ...good, canvas_id: 'c2' }, { canvas: 'required', fromPath: { canvas_id: 'c1' } });
    expect(!other.ok && other.error.code).toBe('validation_failed');
    expect(!other.ok && other.error.message).toBe(
      "scope.canvas_id: differs from the path's 'c1' (given 'c2'); leave it out of the query or make them equal",
    );
    const repeated = parseScope(
      me,
      { ...good, canvas_id: ['c1', 'c2'] },
      { canvas: 'required', fromPath: { canvas_id: 'c1' } },
    );
    expect(!repeated.ok && repeated.error.message).toContain('(given ["c1","c2"])');
  });

  it('[CONTRACT 2] another tenant is 403 tenant_mismatch, checked after the shape', () => {
    const r = parseScope(me, { ...good, tenant_id: 'other', canvas_id: 'c1' }, { canvas: 'required' });
    expect(!r.ok && r.error.code).toBe('tenant_mismatch');
    expect(!r.ok && r.error.message).toBe("scope tenant_id 'other' is not the token's tenant");
    const bad = parseScope(me, { ...good, tenant_id: 'other', mode: 'Edit Mode' }, { canvas: 'optional' });
    expect(!bad.ok && bad.error.code).toBe('validation_failed');
  });

  it('junk never throws and always yields a coded error or a scope (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const r = parseScope(me, raw, { canvas: 'optional' });
        if (!r.ok) expect(['validation_failed', 'tenant_mismatch']).toContain(r.error.code);
      }),
      { numRuns: 500 },
    );
  });
});
