import { z } from 'zod';
import { actorKindSchema } from '../identity/actorKindSchema.ts';
import { roleSchema } from '../identity/jwtClaimsSchema.ts';
import { slugSchema } from '../scope/slugSchema.ts';

/** `POST /v1/dev/tokens` body (dev mode only, contract §2): mints a token for a demo actor. */
export const devTokenRequestSchema = z.strictObject({
  tenant_id: slugSchema,
  sub: z.string().min(1).max(256),
  roles: z.array(roleSchema).max(64),
  kind: actorKindSchema.optional(),
  /** Lifetime in seconds. Default 3600. */
  ttl_seconds: z
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional(),
  name: z.string().max(256).optional(),
});

export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;
