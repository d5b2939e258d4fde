import { z } from 'zod';
import { actorSchema } from '../identity/actorSchema.ts';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';
import { opaqueIdSchema } from '../lib/opaqueIdSchema.ts';
import { ULID_PATTERN, ULID_RE } from '../lib/patterns.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';

/** The envelope fields every event carries (contract §4), payload aside. */
export const envelopeShape = {
  v: z.literal(1),
  event_id: z.string().regex(ULID_RE, { error: `must be a ULID matching ${ULID_PATTERN}` }),
  type: z.string().min(1).max(64),
  timestamp: isoTimestampSchema,
  scope: scopeSchema,
  actor: actorSchema,
  durable: z.boolean(),
  /** The command_id that caused the event. */
  causation_id: opaqueIdSchema.optional(),
  session_id: opaqueIdSchema.optional(),
  turn_id: opaqueIdSchema.optional(),
} as const;

/**
 * Every event's envelope with a generic object payload (contract §4). Unknown envelope fields
 * pass through, so older clients keep newer fields.
 */
export const envelopeSchema = z.looseObject({
  ...envelopeShape,
  payload: z.record(z.string(), z.unknown()),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** An envelope whose `type` and `payload` are pinned. */
export function typedEnvelopeSchema<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.looseObject({ ...envelopeShape, type: z.literal(type), payload });
}

/** The envelope of one event type with its typed payload. */
export type TypedEnvelope<T extends string, P> = Omit<Envelope, 'type' | 'payload'> & { type: T; payload: P };
