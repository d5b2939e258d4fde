import { DEFAULT_LENS_POLICY } from './defaultLensPolicy.ts';
import type { LensPolicy } from './lensPolicySchema.ts';
import type { RolePermissions } from './rolePermissionsSchema.ts';

/**
 * The union of a set of roles' permissions (what the gateway enforces for them), normalized: each
 * glob list sorted and deduplicated, and `['*']` alone when it holds `*`.
 */
export interface EffectivePermissions {
  readonly tokens: { readonly read: readonly string[]; readonly write: readonly string[] };
  readonly state: { readonly read: readonly string[]; readonly write: readonly string[] };
  readonly sidecars: { readonly see: boolean; readonly resolve: boolean };
  readonly commands: readonly string[];
}

/** The role that always keeps every right, whatever the project's policy says. */
export const ADMIN_ROLE = 'admin';

const EVERYTHING: RolePermissions = {
  tokens: { read: ['*'], write: ['*'] },
  state: { read: ['*'], write: ['*'] },
  sidecars: { see: true, resolve: true },
  commands: ['*'],
};

/**
 * The permissions of an actor with `roles` under `policy` (contract §6; `null` = no policy, the
 * built-in default applies). Rules:
 * - the union over the actor's roles that the policy lists;
 * - when none of them is listed, the policy's `default_role` (looked up in the policy, then in
 *   the built-in default), else nothing (deny by default);
 * - role `admin` always has every right, even under a policy that does not mention it (or
 *   grants it less): admins must be able to repair a policy that locked everyone out.
 */
export function effectivePermissions(policy: LensPolicy | null, roles: readonly string[]): EffectivePermissions {
  const effective = policy ?? DEFAULT_LENS_POLICY;
  const grants: RolePermissions[] = [];
  for (const role of roles) {
    if (role === ADMIN_ROLE) grants.push(EVERYTHING);
    const listed = Object.hasOwn(effective.roles, role) ? effective.roles[role] : undefined;
    if (listed) grants.push(listed);
  }
  const listedAny = roles.some((r) => r === ADMIN_ROLE || Object.hasOwn(effective.roles, r));
  if (!listedAny && effective.default_role !== undefined) {
    const name = effective.default_role;
    const fallback = Object.hasOwn(effective.roles, name)
      ? effective.roles[name]
      : Object.hasOwn(DEFAULT_LENS_POLICY.roles, name)
        ? DEFAULT_LENS_POLICY.roles[name]
        : undefined;
    if (fallback) grants.push(fallback);
  }
  const union = (pick: (g: RolePermissions) => readonly string[]): string[] => {
    const set = new Set(grants.flatMap(pick));
    return set.has('*') ? ['*'] : [...set].sort();
  };
  return {
    tokens: { read: union((g) => g.tokens.read), write: union((g) => g.tokens.write) },
    state: { read: union((g) => g.state.read), write: union((g) => g.state.write) },
    sidecars: { see: grants.some((g) => g.sidecars.see), resolve: grants.some((g) => g.sidecars.resolve) },
    commands: union((g) => g.commands),
  };
}
