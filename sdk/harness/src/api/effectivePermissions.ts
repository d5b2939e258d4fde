import { DEFAULT_LENS_POLICY, globMatchAny, type LensPolicy, type RolePermissions } from '@easel/schemas';

/** The union of a set of roles' permissions (what the gateway enforces for them). */
export interface EffectivePermissions {
  readonly tokens: { readonly read: readonly string[]; readonly write: readonly string[] };
  readonly state: { readonly read: readonly string[]; readonly write: readonly string[] };
  readonly sidecars: { readonly see: boolean; readonly resolve: boolean };
  readonly commands: readonly string[];
}

const ADMIN_ROLE = 'admin';

const EVERYTHING: RolePermissions = {
  tokens: { read: ['*'], write: ['*'] },
  state: { read: ['*'], write: ['*'] },
  sidecars: { see: true, resolve: true },
  commands: ['*'],
};

/** Nothing at all (unknown caller, or before the lens loaded). */
export const NO_PERMISSIONS: EffectivePermissions = {
  tokens: { read: [], write: [] },
  state: { read: [], write: [] },
  sidecars: { see: false, resolve: false },
  commands: [],
};

/**
 * The permissions of `roles` under `policy` (null: the built-in default), by the gateway's rules
 * (contract §6): the union over listed roles; `default_role` when none is listed; `admin` keeps
 * every right.
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
  const union = (pick: (g: RolePermissions) => readonly string[]) => {
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

/** May these permissions send `token.set` for `tokenId`? */
export function canWriteToken(p: EffectivePermissions, tokenId: string): boolean {
  return globMatchAny(p.tokens.write, tokenId) && globMatchAny(p.commands, 'token.set');
}

/** May these permissions write every one of `roots` (with `command`, default `state.update`)? */
export function canWriteRoots(p: EffectivePermissions, roots: readonly string[], command = 'state.update'): boolean {
  return roots.length > 0 && globMatchAny(p.commands, command) && roots.every((r) => globMatchAny(p.state.write, r));
}

/** May these permissions send a command of this type? */
export function canSendCommand(p: EffectivePermissions, commandType: string): boolean {
  return globMatchAny(p.commands, commandType);
}

/** May these permissions change at least one of `roots` (by `state.update` or `state.ops`)? */
export function canWriteAnyRoot(p: EffectivePermissions, roots: readonly string[]): boolean {
  const command = globMatchAny(p.commands, 'state.update') || globMatchAny(p.commands, 'state.ops');
  return command && roots.some((r) => globMatchAny(p.state.write, r));
}
