import { type EffectivePermissions, globMatchAny } from '@easel/schemas';

/**
 * The permissions of `roles` under `policy` (null: the built-in default), by the gateway's rules
 * (contract §6): the union over listed roles; `default_role` when none is listed; `admin` keeps
 * every right. The gateway enforces the same function (`@easel/schemas`).
 */
export { type EffectivePermissions, effectivePermissions } from '@easel/schemas';

/** Nothing at all (unknown caller, or before the lens loaded). */
export const NO_PERMISSIONS: EffectivePermissions = {
  tokens: { read: [], write: [] },
  state: { read: [], write: [] },
  sidecars: { see: false, resolve: false },
  commands: [],
};

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
