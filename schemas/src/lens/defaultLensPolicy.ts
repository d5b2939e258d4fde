import { deepFreeze } from '../lib/deepFreeze.ts';
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
