import { z } from 'zod';
import { entityIdSchema } from './entityIdSchema.ts';
import { scopeShape } from './scopeSchema.ts';

/** A scope that names one canvas: `canvas_id` is required. */
export const canvasScopeSchema = z.object({ ...scopeShape, canvas_id: entityIdSchema });

export type CanvasScope = z.infer<typeof canvasScopeSchema>;
