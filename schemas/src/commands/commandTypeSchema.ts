import { z } from 'zod';
import { COMMAND_TYPE_LIST } from './commandTypes.ts';

/** A v1 command type name. */
export const commandTypeSchema = z.enum(COMMAND_TYPE_LIST, { error: `must be one of ${COMMAND_TYPE_LIST.join(', ')}` });
