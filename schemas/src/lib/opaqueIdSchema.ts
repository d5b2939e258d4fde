import { z } from 'zod';
import { COMMAND_ID_PATTERN, COMMAND_ID_RE } from './patterns.ts';

/** An id chosen by a client or the server (command_id, turn_id, commit_id, artifact_id, ...): slug, ULID or UUID. */
export const opaqueIdSchema = z
  .string()
  .regex(COMMAND_ID_RE, { error: `must be an id matching ${COMMAND_ID_PATTERN}` });
