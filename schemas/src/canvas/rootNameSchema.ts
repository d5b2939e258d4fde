import { z } from 'zod';
import { ROOT_NAME_PATTERN, ROOT_NAME_RE } from '../lib/patterns.ts';

/** A Yjs root type name, e.g. `notes`. */
export const rootNameSchema = z
  .string()
  .regex(ROOT_NAME_RE, { error: `must be a root name matching ${ROOT_NAME_PATTERN}` });
