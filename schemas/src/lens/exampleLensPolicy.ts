import { deepFreeze } from '../lib/deepFreeze.ts';
import type { LensPolicy } from './lensPolicySchema.ts';

/**
 * The example lens policy of contract §6, verbatim and deeply frozen: `director` reads and writes
 * everything, `planner` reads and writes `plan.*` tokens and the `notes` root only, sees no sidecars
 * and runs `token.*`, `state.*` and `chat.send`; an unlisted role falls back to `viewer`.
 */
export const CONTRACT_EXAMPLE_LENS_POLICY: LensPolicy = deepFreeze({
  roles: {
    director: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    planner: {
      tokens: { read: ['plan.*'], write: ['plan.*'] },
      state: { read: ['*'], write: ['notes'] },
      sidecars: { see: false, resolve: false },
      commands: ['token.*', 'state.*', 'chat.send'],
    },
  },
  default_role: 'viewer',
});
