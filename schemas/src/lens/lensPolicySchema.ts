import { z } from 'zod';
import { roleSchema } from '../identity/jwtClaimsSchema.ts';
import { rolePermissionsSchema } from './rolePermissionsSchema.ts';

/** Most roles in one policy. */
export const MAX_LENS_ROLES = 64;

/**
 * A project's lens policy (contract §6, `PUT /v1/projects/{project_id}/lens`): role → permissions,
 * and `default_role`, the role of an actor none of whose roles is listed.
 */
export const lensPolicySchema = z
  .strictObject({
    roles: z.record(roleSchema, rolePermissionsSchema),
    default_role: roleSchema.optional(),
  })
  .refine((p) => Object.keys(p.roles).length <= MAX_LENS_ROLES, {
    error: `must list at most ${MAX_LENS_ROLES} roles`,
    path: ['roles'],
  });

export type LensPolicy = z.infer<typeof lensPolicySchema>;
