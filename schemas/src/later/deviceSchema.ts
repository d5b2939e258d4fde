import { z } from 'zod';

/** A compute device a job may run on. */
export const deviceSchema = z.enum(['cpu', 'gpu'], { error: 'must be cpu or gpu' });

export type Device = z.infer<typeof deviceSchema>;
