import { z } from 'zod';
import { rootNameSchema } from '../../canvas/rootNameSchema.ts';
import { base64Schema } from '../../lib/base64Schema.ts';
import { jsonValueSchema } from '../../lib/jsonValueSchema.ts';

/**
 * `state_patch` (durable): `roots` touched; `update` (base64 Yjs update) for viewers who read
 * every root, otherwise `state` (JSON of the touched readable roots).
 */
export const statePatchPayloadSchema = z.looseObject({
  roots: z.array(rootNameSchema).max(64),
  revision: z.int().min(0),
  update: base64Schema.optional(),
  state: z.record(z.string(), jsonValueSchema).optional(),
});

export type StatePatchPayload = z.infer<typeof statePatchPayloadSchema>;
