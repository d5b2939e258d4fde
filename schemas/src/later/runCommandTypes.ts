/**
 * Command-type names a lens policy's `commands` globs may grant besides the `POST /v1/commands`
 * types (contract §6): `run.create` lets a role start runs (`POST /v1/runs`), so `run.*` or `*`
 * grant it. The default policy grants it to `admin` and `editor` (their `commands: ["*"]`).
 */
export const RUN_COMMAND_TYPES = {
  'run.create': { summary: 'Starts an agent run (POST /v1/runs).' },
} as const;

export type RunCommandType = keyof typeof RUN_COMMAND_TYPES;

/** The lens command type checked by `POST /v1/runs`. */
export const RUN_CREATE_COMMAND: RunCommandType = 'run.create';
