import { z } from 'zod';
import { TOKEN_ID_PATTERN, TOKEN_ID_RE } from '../lib/patterns.ts';

/** A token id, e.g. `plan.title`. */
export const tokenIdSchema = z
  .string()
  .regex(TOKEN_ID_RE, { error: `must be a token id matching ${TOKEN_ID_PATTERN}` });
