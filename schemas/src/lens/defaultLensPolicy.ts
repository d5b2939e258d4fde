import type { LensPolicy } from './lensPolicySchema.ts';
import type { RolePermissions } from './rolePermissionsSchema.ts';

const everything: RolePermissions = {
  tokens: { read: ['*'], write: ['*'] },
  state: { read: ['*'], write: ['*'] },
  sidecars: { see: true, resolve: true },
  commands: ['*'],
};

/**
 * The policy of a project without one (contract §6): `admin` and `editor` read and write
 * everything, `viewer` reads everything and writes nothing, any other role gets nothing.
 */
export const DEFAULT_LENS_POLICY: LensPolicy = deepFreeze({
  roles: {
    admin: everything,
    editor: everything,
    viewer: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['*'], write: [] },
      sidecars: { see: true, resolve: true },
      commands: [],
    },
  },
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
