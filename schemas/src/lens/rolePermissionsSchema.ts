import { z } from 'zod';
import { GLOB_PATTERN, GLOB_RE } from '../lib/patterns.ts';

/** A glob over token ids, root names or command types; `*` is the only wildcard. */
export const globSchema = z
  .string()
  .regex(GLOB_RE, { error: `must be a glob matching ${GLOB_PATTERN} (* is the wildcard)` });

const globList = z.array(globSchema).max(256);

/** Read and write globs of one kind of thing. Missing lists grant nothing. */
export const accessListSchema = z.strictObject({
  read: globList.default([]),
  write: globList.default([]),
});

export type AccessList = z.infer<typeof accessListSchema>;

/** Sidecar permissions: `see` their `snapshot_created` events, `resolve` them to URLs. */
export const sidecarPermissionsSchema = z.strictObject({
  see: z.boolean().default(false),
  resolve: z.boolean().default(false),
});

/**
 * What one role may do (contract §6). Deny is the default: an absent section grants nothing.
 */
export const rolePermissionsSchema = z.strictObject({
  /** Globs over token ids. */
  tokens: accessListSchema.default({ read: [], write: [] }),
  /** Globs over Yjs root names. */
  state: accessListSchema.default({ read: [], write: [] }),
  sidecars: sidecarPermissionsSchema.default({ see: false, resolve: false }),
  /** Globs over command types, e.g. `token.*`, `chat.send`. */
  commands: globList.default([]),
});

export type RolePermissions = z.infer<typeof rolePermissionsSchema>;
