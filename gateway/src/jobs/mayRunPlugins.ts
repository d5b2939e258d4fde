import { COMMAND_TYPE_LIST, partitionId, type Scope } from '@easel/schemas';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, ok, type Result } from '../core/errors/GatewayError.ts';
import type { LensView } from '../core/lens/LensView.ts';

/** Command patterns a lens policy may grant for plugin work specifically (besides any command type). */
export const PLUGIN_COMMANDS = ['plugin.invoke', 'job.create'] as const;

/** What {@link mayRunPlugins} asks the core. */
export interface LensSource {
  lensView(p: Principal, partition: string): Promise<LensView>;
}

/** Whether a lens view lets its principal run plugin code (see {@link mayRunPlugins}). */
export function lensMayRunPlugins(view: LensView): boolean {
  return PLUGIN_COMMANDS.some((c) => view.canRunCommand(c)) || COMMAND_TYPE_LIST.some((c) => view.canRunCommand(c));
}

/**
 * Of `projects` (of the principal's tenant), those where it may run plugin code, so it may read what
 * its tenant's plugin calls there left in the plugin inspector. A policy that cannot be read counts
 * as no. Never throws.
 */
export async function projectsMayRunPlugins(
  core: LensSource,
  principal: Principal,
  projects: readonly string[],
): Promise<Set<string>> {
  const allowed = new Set<string>();
  await Promise.all(
    projects.map(async (project) => {
      try {
        const view = await core.lensView(
          principal,
          partitionId({ tenant_id: principal.tenantId, project_id: project }),
        );
        if (lensMayRunPlugins(view)) allowed.add(project);
      } catch {
        // unreadable policy: not allowed
      }
    }),
  );
  return allowed;
}

/**
 * Whether the caller may run plugin code in the scope's project (plugin calls and jobs, contract §9):
 * its lens must grant at least one command (any command type, or `plugin.invoke` / `job.create`).
 * Read-only roles (the default `viewer`, or a policy role with `commands: []`) get 403 `forbidden`.
 * The tenant is checked before (`parseScope`). Never throws: a policy that cannot be read is 503.
 */
export async function mayRunPlugins(core: LensSource, principal: Principal, scope: Scope): Promise<Result<true>> {
  let view: LensView;
  try {
    view = await core.lensView(principal, partitionId(scope));
  } catch {
    return fail('unavailable', 'the lens policy could not be read; retry');
  }
  if (lensMayRunPlugins(view)) return ok(true);
  const roles = principal.roles.length > 0 ? principal.roles.join(', ') : 'none';
  return fail(
    'forbidden',
    `your roles (${roles}) may run no commands in project '${scope.project_id}', so they may not run plugins or jobs; ` +
      'ask an admin for a role whose lens grants commands',
  );
}
