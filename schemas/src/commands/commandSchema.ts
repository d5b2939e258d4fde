import { z } from 'zod';
import { opaqueIdSchema } from '../lib/opaqueIdSchema.ts';
import { canvasScopeSchema } from '../scope/canvasScopeSchema.ts';
import { COMMAND_TYPE_LIST, type CommandType } from './commandTypes.ts';
import { canvasCommitCommandPayloadSchema } from './payloads/canvasCommitCommandPayloadSchema.ts';
import { canvasCreateCommandPayloadSchema } from './payloads/canvasCreateCommandPayloadSchema.ts';
import { canvasRevertCommandPayloadSchema } from './payloads/canvasRevertCommandPayloadSchema.ts';
import { chatSendCommandPayloadSchema } from './payloads/chatSendCommandPayloadSchema.ts';
import { stateOpsCommandPayloadSchema } from './payloads/stateOpsCommandPayloadSchema.ts';
import { stateUpdateCommandPayloadSchema } from './payloads/stateUpdateCommandPayloadSchema.ts';
import { tokenDeleteCommandPayloadSchema } from './payloads/tokenDeleteCommandPayloadSchema.ts';
import { tokenSetCommandPayloadSchema } from './payloads/tokenSetCommandPayloadSchema.ts';
import { turnCancelCommandPayloadSchema } from './payloads/turnCancelCommandPayloadSchema.ts';

/** Payload schema of each command type. */
export const COMMAND_PAYLOAD_SCHEMAS = {
  'canvas.create': canvasCreateCommandPayloadSchema,
  'token.set': tokenSetCommandPayloadSchema,
  'token.delete': tokenDeleteCommandPayloadSchema,
  'state.update': stateUpdateCommandPayloadSchema,
  'state.ops': stateOpsCommandPayloadSchema,
  'canvas.commit': canvasCommitCommandPayloadSchema,
  'canvas.revert': canvasRevertCommandPayloadSchema,
  'chat.send': chatSendCommandPayloadSchema,
  'turn.cancel': turnCancelCommandPayloadSchema,
} as const satisfies Record<CommandType, z.ZodType>;

/** `command_id`: chosen by the client, the idempotency key within a partition. */
export const commandIdSchema = opaqueIdSchema;

function commandOf<T extends CommandType>(type: T) {
  return z.strictObject({
    command_id: commandIdSchema,
    type: z.literal(type),
    /** Every v1 command concerns one canvas: `canvas_id` is required. */
    scope: canvasScopeSchema,
    payload: COMMAND_PAYLOAD_SCHEMAS[type] as (typeof COMMAND_PAYLOAD_SCHEMAS)[T],
    /** Optimistic concurrency: refused with 409 `conflict` unless the canvas is at this revision. */
    expected_revision: z.int().min(0, { error: 'must be an integer >= 0' }).optional(),
  });
}

/**
 * `POST /v1/commands` body (contract §5): `{command_id, type, scope, payload, expected_revision?}`,
 * discriminated on `type`. Unknown top-level keys are refused. The actor comes from the token.
 */
export const commandSchema = z.discriminatedUnion(
  'type',
  [
    commandOf('canvas.create'),
    commandOf('token.set'),
    commandOf('token.delete'),
    commandOf('state.update'),
    commandOf('state.ops'),
    commandOf('canvas.commit'),
    commandOf('canvas.revert'),
    commandOf('chat.send'),
    commandOf('turn.cancel'),
  ],
  {
    error: (iss) => (iss.code === 'invalid_union' ? `must be one of ${COMMAND_TYPE_LIST.join(', ')}` : undefined),
  },
);

export type Command = z.infer<typeof commandSchema>;

/** The command of one type. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
