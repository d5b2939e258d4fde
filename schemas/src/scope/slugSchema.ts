import { z } from 'zod';
import { SLUG_PATTERN, SLUG_RE } from '../lib/patterns.ts';

/** Scope slug (contract §1): `^[a-z0-9][a-z0-9_.-]{0,63}$`. */
export const slugSchema = z.string().regex(SLUG_RE, { error: `must be a slug matching ${SLUG_PATTERN}` });

export type Slug = z.infer<typeof slugSchema>;
