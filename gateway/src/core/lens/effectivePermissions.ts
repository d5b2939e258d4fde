/**
 * The permissions of an actor's roles under a project's lens policy (contract §6): one
 * implementation in `@easel/schemas`, shared with the harness, so the gateway enforces exactly what
 * the harness shows. Re-exported here for the gateway's modules.
 */
export { ADMIN_ROLE, type EffectivePermissions, effectivePermissions } from '@easel/schemas';
