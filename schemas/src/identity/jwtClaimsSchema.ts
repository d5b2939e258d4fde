import { z } from 'zod';
import { ROLE_PATTERN, ROLE_RE } from '../lib/patterns.ts';
import { slugSchema } from '../scope/slugSchema.ts';
import { actorKindSchema } from './actorKindSchema.ts';

/** A role name as carried in the `roles` claim. */
export const roleSchema = z.string().regex(ROLE_RE, { error: `must be a role name matching ${ROLE_PATTERN}` });

/**
 * The JWT claims Easel reads (contract §2). `exp` is required: a token without it is refused.
 * Other registered claims (`iat`, `nbf`, `iss`, `aud`) are allowed; unknown claims are stripped.
 */
export const jwtClaimsSchema = z.object({
  /** The actor id. */
  sub: z.string().min(1).max(256),
  tenant_id: slugSchema,
  kind: actorKindSchema,
  roles: z.array(roleSchema).max(64),
  /** Expiry, seconds since the epoch. */
  exp: z.int().min(0),
  iat: z.int().min(0).optional(),
  nbf: z.int().min(0).optional(),
  iss: z.string().max(512).optional(),
  aud: z.union([z.string().max(512), z.array(z.string().max(512)).max(16)]).optional(),
  /** Display name, used by presence. */
  name: z.string().max(256).optional(),
});

export type JwtClaims = z.infer<typeof jwtClaimsSchema>;
