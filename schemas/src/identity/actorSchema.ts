import { z } from 'zod';
import { actorKindSchema } from './actorKindSchema.ts';

/** The actor of an event: taken from the token's `sub` and `kind`, never from a request body. */
export const actorSchema = z.object({
  id: z.string().min(1).max(256),
  kind: actorKindSchema,
});

export type Actor = z.infer<typeof actorSchema>;
