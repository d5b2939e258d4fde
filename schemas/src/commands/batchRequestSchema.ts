import { z } from 'zod';
import { commandSchema } from './commandSchema.ts';

/** Most commands in one `POST /v1/commands:batch`. */
export const MAX_BATCH_COMMANDS = 500;

const commandsMessage = `must hold 1 to ${MAX_BATCH_COMMANDS} commands`;

/** `POST /v1/commands:batch` body (contract §5): `{commands: [...]}`, 1..500 commands. */
export const batchRequestSchema = z.strictObject({
  commands: z
    .array(commandSchema)
    .min(1, { error: commandsMessage })
    .max(MAX_BATCH_COMMANDS, { error: commandsMessage }),
});

export type BatchRequest = z.infer<typeof batchRequestSchema>;

/**
 * The batch body with its items left unparsed, so each item can be validated on its own
 * and rejected alone (`{status: "rejected"}`) instead of failing the whole batch.
 */
export const batchRequestShellSchema = z.strictObject({
  commands: z.array(z.unknown()).min(1, { error: commandsMessage }).max(MAX_BATCH_COMMANDS, { error: commandsMessage }),
});

export type BatchRequestShell = z.infer<typeof batchRequestShellSchema>;
