import { z } from 'zod';
import { BASE64_RE } from './patterns.ts';

/** Standard base64 (with padding), e.g. a Yjs update. */
export const base64Schema = z
  .string()
  .regex(BASE64_RE, { error: 'must be standard base64 (A-Z a-z 0-9 + /, padded with =)' });
