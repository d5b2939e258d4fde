import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/** `frame` (telemetry): a job produced frame `index`; a reference only, never bytes or `data:` URIs. */
export const framePayloadSchema = z.looseObject({
  job_id: entityIdSchema,
  index: z.int().min(0),
  artifact_id: opaqueIdSchema.optional(),
  uri: z
    .string()
    .max(2048)
    .regex(/^(?![dD][aA][tT][aA]:)\S+$/, { error: 'must be a reference URI, never a data: URI' })
    .optional(),
  width: z.int().min(1).optional(),
  height: z.int().min(1).optional(),
});

export type FramePayload = z.infer<typeof framePayloadSchema>;
