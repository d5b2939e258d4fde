import { z } from 'zod';

/**
 * `GET /healthz` and `GET /readyz` bodies (contract §11). `checks` (readyz) names each
 * dependency — storage, bus, plugins — with `ok` or what is wrong.
 */
export const healthStatusSchema = z.looseObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.union([z.literal('ok'), z.string().max(500)])).optional(),
});

export type HealthStatus = z.infer<typeof healthStatusSchema>;
