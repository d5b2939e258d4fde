import { describe, expect, it } from 'vitest';
import { describeZodError } from '../errors/describeZodError.ts';
import { DEFAULT_LENS_POLICY } from './defaultLensPolicy.ts';
import { CONTRACT_EXAMPLE_LENS_POLICY as example } from './exampleLensPolicy.ts';
import { globMatchAny } from './globMatch.ts';
import { lensPolicySchema } from './lensPolicySchema.ts';

describe('[CONTRACT 6] lens policy', () => {
  it("accepts the contract's example unchanged", () => {
    expect(lensPolicySchema.parse(example)).toEqual(example);
  });

  it('an absent section grants nothing (deny by default)', () => {
    expect(lensPolicySchema.parse({ roles: { guest: {} } }).roles.guest).toEqual({
      tokens: { read: [], write: [] },
      state: { read: [], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    });
  });

  it('the default policy: admin/editor everything, viewer reads only, others nothing', () => {
    expect(lensPolicySchema.parse(DEFAULT_LENS_POLICY)).toEqual(DEFAULT_LENS_POLICY);
    const { admin, editor, viewer } = DEFAULT_LENS_POLICY.roles;
    for (const role of [admin, editor]) {
      expect(globMatchAny(role!.tokens.write, 'plan.title')).toBe(true);
      expect(globMatchAny(role!.state.write, 'notes')).toBe(true);
      expect(globMatchAny(role!.commands, 'canvas.revert')).toBe(true);
    }
    expect(globMatchAny(viewer!.tokens.read, 'style.color')).toBe(true);
    expect(globMatchAny(viewer!.state.read, 'layout')).toBe(true);
    expect(viewer!.tokens.write).toEqual([]);
    expect(viewer!.state.write).toEqual([]);
    expect(viewer!.commands).toEqual([]);
    expect(DEFAULT_LENS_POLICY.roles.guest).toBeUndefined();
  });

  it('names bad fields', () => {
    const r = lensPolicySchema.safeParse({ roles: { planner: { tokens: { read: ['plan title'] }, extra: 1 } } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(describeZodError(r.error).message).toBe(
        'roles.planner.extra: unknown field; remove it; roles.planner.tokens.read[0]: must be a glob matching ^[A-Za-z0-9_.:*-]{1,128}$ (* is the wildcard)',
      );
    }
    expect(lensPolicySchema.safeParse({}).success).toBe(false);
  });
});
