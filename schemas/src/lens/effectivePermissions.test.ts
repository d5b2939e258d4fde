import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LENS_POLICY } from './defaultLensPolicy.ts';
import { ADMIN_ROLE, type EffectivePermissions, effectivePermissions } from './effectivePermissions.ts';
import { CONTRACT_EXAMPLE_LENS_POLICY } from './exampleLensPolicy.ts';
import { globMatchAny } from './globMatch.ts';
import type { LensPolicy } from './lensPolicySchema.ts';
import type { RolePermissions } from './rolePermissionsSchema.ts';

const NOTHING: EffectivePermissions = {
  tokens: { read: [], write: [] },
  state: { read: [], write: [] },
  sidecars: { see: false, resolve: false },
  commands: [],
};
const EVERYTHING: EffectivePermissions = {
  tokens: { read: ['*'], write: ['*'] },
  state: { read: ['*'], write: ['*'] },
  sidecars: { see: true, resolve: true },
  commands: ['*'],
};

// Small alphabets so globs and names overlap often.
const globArb = fc.constantFrom(
  '*',
  'plan.*',
  'plan.title',
  'style.*',
  'notes',
  'layout',
  'a*b',
  'token.*',
  'chat.send',
);
const nameArb = fc.constantFrom('plan.title', 'plan.x', 'style.fill', 'notes', 'layout', 'ab', 'aXb', 'token.set', '');
const roleArb = fc.constantFrom('planner', 'director', 'viewer', 'editor', 'guest', 'x.y', 'toString', 'constructor');
const globsArb = fc.array(globArb, { maxLength: 4 });
const permsArb: fc.Arbitrary<RolePermissions> = fc.record({
  tokens: fc.record({ read: globsArb, write: globsArb }),
  state: fc.record({ read: globsArb, write: globsArb }),
  sidecars: fc.record({ see: fc.boolean(), resolve: fc.boolean() }),
  commands: globsArb,
});
const policyArb: fc.Arbitrary<LensPolicy> = fc.record(
  { roles: fc.dictionary(roleArb, permsArb, { maxKeys: 4 }), default_role: roleArb },
  { requiredKeys: ['roles'] },
);
/** Roles, and the same roles each repeated twice, in any order. */
const rolesAndPermutationArb = fc
  .array(roleArb, { maxLength: 4 })
  .chain((roles) =>
    fc.tuple(fc.constant(roles), fc.shuffledSubarray([...roles, ...roles], { minLength: roles.length * 2 })),
  );

type Pick = (p: EffectivePermissions | RolePermissions) => readonly string[];
const LISTS: [string, Pick][] = [
  ['tokens.read', (p) => p.tokens.read],
  ['tokens.write', (p) => p.tokens.write],
  ['state.read', (p) => p.state.read],
  ['state.write', (p) => p.state.write],
  ['commands', (p) => p.commands],
];

describe('[CONTRACT 6] effectivePermissions', () => {
  it('without a policy: admin and editor everything, viewer reads only, any other role nothing', () => {
    expect(effectivePermissions(null, ['admin'])).toEqual(EVERYTHING);
    expect(effectivePermissions(null, ['editor'])).toEqual(EVERYTHING);
    expect(effectivePermissions(null, ['viewer'])).toEqual({
      ...NOTHING,
      tokens: { read: ['*'], write: [] },
      state: { read: ['*'], write: [] },
      sidecars: { see: true, resolve: true },
    });
    expect(effectivePermissions(null, ['stranger'])).toEqual(NOTHING);
    expect(effectivePermissions(null, [])).toEqual(NOTHING);
  });

  it('the union over roles, normalized (sorted, deduplicated, * absorbs)', () => {
    const planner = effectivePermissions(CONTRACT_EXAMPLE_LENS_POLICY, ['planner']);
    expect(planner.tokens.write).toEqual(['plan.*']);
    expect(planner.state).toEqual({ read: ['*'], write: ['notes'] });
    expect(planner.commands).toEqual(['chat.send', 'state.*', 'token.*']);
    expect(planner.sidecars).toEqual({ see: false, resolve: false });
    const both = effectivePermissions(CONTRACT_EXAMPLE_LENS_POLICY, ['planner', 'director']);
    expect(both).toEqual(EVERYTHING);
  });

  it('default_role applies only when none of the roles is listed: from the policy, then the built-in default', () => {
    const policy: LensPolicy = { ...CONTRACT_EXAMPLE_LENS_POLICY, default_role: 'planner' };
    expect(effectivePermissions(policy, ['nobody'])).toEqual(effectivePermissions(policy, ['planner']));
    expect(effectivePermissions(policy, ['director'])).toEqual(EVERYTHING);
    // `viewer` is not in the example policy: it comes from the built-in default.
    expect(effectivePermissions(CONTRACT_EXAMPLE_LENS_POLICY, ['nobody'])).toEqual(
      effectivePermissions(null, ['viewer']),
    );
    expect(effectivePermissions({ roles: {}, default_role: 'nowhere' }, ['nobody'])).toEqual(NOTHING);
    expect(effectivePermissions({ roles: {} }, ['nobody'])).toEqual(NOTHING);
  });

  it('admin keeps every right even under a policy that grants it nothing', () => {
    const lockedOut: LensPolicy = { roles: { admin: { ...DEFAULT_LENS_POLICY.roles.viewer!, commands: [] } } };
    expect(effectivePermissions(lockedOut, [ADMIN_ROLE])).toEqual(EVERYTHING);
  });

  it('inherited object keys are not roles', () => {
    expect(effectivePermissions(null, ['toString', 'constructor', '__proto__', 'hasOwnProperty'])).toEqual(NOTHING);
  });

  it('property: every list is sorted, free of duplicates, and * stands alone', () => {
    fc.assert(
      fc.property(policyArb, fc.array(roleArb, { maxLength: 4 }), (policy, roles) => {
        const p = effectivePermissions(policy, roles);
        for (const [, pick] of LISTS) {
          const list = pick(p);
          expect([...new Set(list)].sort()).toEqual(list);
          if (list.includes('*')) expect(list).toEqual(['*']);
        }
      }),
    );
  });

  it('property: with a listed role, a name matches exactly when some listed role grants it', () => {
    fc.assert(
      fc.property(policyArb, fc.array(roleArb, { maxLength: 4 }), nameArb, (policy, roles, name) => {
        const listed = roles.filter((r) => Object.hasOwn(policy.roles, r)).map((r) => policy.roles[r]!);
        fc.pre(listed.length > 0);
        const p = effectivePermissions(policy, roles);
        for (const [, pick] of LISTS) {
          expect(globMatchAny(pick(p), name)).toBe(listed.some((g) => globMatchAny(pick(g), name)));
        }
        expect(p.sidecars).toEqual({
          see: listed.some((g) => g.sidecars.see),
          resolve: listed.some((g) => g.sidecars.resolve),
        });
      }),
    );
  });

  it('property: the order and repetition of roles do not matter; admin always yields everything', () => {
    fc.assert(
      fc.property(policyArb, rolesAndPermutationArb, (policy, [roles, permuted]) => {
        expect(effectivePermissions(policy, permuted)).toEqual(effectivePermissions(policy, roles));
        expect(effectivePermissions(policy, [...roles, ADMIN_ROLE])).toEqual(EVERYTHING);
      }),
    );
  });
});
