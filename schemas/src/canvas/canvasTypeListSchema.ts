import { z } from 'zod';
import { canvasTypeManifestViewSchema } from './canvasTypeManifestSchema.ts';

/** `GET /v1/projects/{project_id}/canvas-types`: built-ins and the project's registered types. */
export const canvasTypeListSchema = z.object({ canvas_types: z.array(canvasTypeManifestViewSchema) });

export type CanvasTypeList = z.infer<typeof canvasTypeListSchema>;
