import { z } from 'zod';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** `log_line` (telemetry): a sanitized log line (no secrets, no tokens, no bytes). */
export const logLinePayloadSchema = z.looseObject({
  level: z.enum(LOG_LEVELS),
  message: z.string().max(4000),
  source: z.string().max(128).optional(),
  fields: z.record(z.string(), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).optional(),
});

export type LogLinePayload = z.infer<typeof logLinePayloadSchema>;
