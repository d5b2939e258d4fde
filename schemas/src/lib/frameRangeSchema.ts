import { z } from 'zod';

/** An inclusive range of frame indexes (contract §8). */
export const frameRangeSchema = z
  .object({ start: z.int().min(0), end: z.int().min(0) })
  .refine((r) => r.start <= r.end, { error: 'start must not exceed end', path: ['end'] });

export type FrameRange = z.infer<typeof frameRangeSchema>;
