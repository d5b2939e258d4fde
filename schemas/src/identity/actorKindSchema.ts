import { z } from 'zod';

/** Who acts (contract §2 `kind` claim). */
export const ACTOR_KINDS = ['human', 'agent', 'service'] as const;

export const actorKindSchema = z.enum(ACTOR_KINDS, { error: `must be one of ${ACTOR_KINDS.join(', ')}` });

export type ActorKind = z.infer<typeof actorKindSchema>;
