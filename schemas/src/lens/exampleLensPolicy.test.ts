import { describe, expect, it } from 'vitest';
import { CONTRACT_EXAMPLE_LENS_POLICY } from './exampleLensPolicy.ts';
import { globMatchAny } from './globMatch.ts';
import { lensPolicySchema } from './lensPolicySchema.ts';

describe('[CONTRACT 6] the example lens policy', () => {
  it('is a valid lens policy, unchanged by parsing', () => {
    const parsed = lensPolicySchema.safeParse(CONTRACT_EXAMPLE_LENS_POLICY);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(CONTRACT_EXAMPLE_LENS_POLICY);
  });

  it('is deeply frozen, so no test or caller can change it for the others', () => {
    const policy = CONTRACT_EXAMPLE_LENS_POLICY;
    const planner = policy.roles.planner!;
    expect(Object.isFrozen(policy) && Object.isFrozen(policy.roles) && Object.isFrozen(planner)).toBe(true);
    expect(Object.isFrozen(planner.tokens.write) && Object.isFrozen(planner.commands)).toBe(true);
    expect(() => planner.commands.push('canvas.delete')).toThrow(TypeError);
  });

  it('gives planner plan.* tokens and the notes root only, director everything, default viewer', () => {
    const { director, planner } = CONTRACT_EXAMPLE_LENS_POLICY.roles;
    expect(globMatchAny(planner!.tokens.write, 'plan.title')).toBe(true);
    expect(globMatchAny(planner!.tokens.write, 'style.color')).toBe(false);
    expect(globMatchAny(planner!.state.write, 'notes')).toBe(true);
    expect(globMatchAny(planner!.state.write, 'layout')).toBe(false);
    expect(planner!.sidecars).toEqual({ see: false, resolve: false });
    expect(globMatchAny(director!.tokens.write, 'style.color')).toBe(true);
    expect(CONTRACT_EXAMPLE_LENS_POLICY.default_role).toBe('viewer');
  });
});
