import type { z } from 'zod';
import { runEventSchema } from '../../later/runEventSchema.ts';

/** `run_event` payload: a RunEvent (contract §10), discriminated on `kind`. */
export const runEventPayloadSchema = runEventSchema;

export type RunEventPayload = z.infer<typeof runEventPayloadSchema>;
