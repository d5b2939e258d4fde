import { z } from 'zod';
import { ENTITY_ID_RE, SLUG_PATTERN, ULID_PATTERN } from '../lib/patterns.ts';

/** `canvas_id`, `run_id`, `job_id` (contract §1): a slug or a ULID. */
export const entityIdSchema = z.string().regex(ENTITY_ID_RE, {
  error: `must be a slug matching ${SLUG_PATTERN} or a ULID matching ${ULID_PATTERN}`,
});

export type EntityId = z.infer<typeof entityIdSchema>;
