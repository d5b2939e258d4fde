import { entityIdSchema, jsonObjectSchema } from '@easel/schemas';
import { z } from 'zod';

/** Most frames one job may have (inline frames plus canvas snapshots). */
export const MAX_JOB_FRAMES = 1000;

/** A PNG frame sent inline (the built-in plugins' `image` frame). */
export const imageFrameSchema = z.strictObject({
  kind: z.literal('image'),
  mime: z.literal('image/png', { error: 'must be image/png' }),
  data_base64: z
    .string()
    .min(1)
    .max(50_331_648)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64 (A–Z, a–z, 0–9, +, /, = padding), no data: URI' }),
});

/** A canvas-shaped frame sent inline: `GET /v1/canvases/{id}`'s `state` and `tokens`. */
export const canvasFrameSchema = z.strictObject({
  kind: z.literal('canvas'),
  canvas_type: z.string().min(1).max(64),
  canvas_id: z.string().min(1).max(64).optional(),
  revision: z.int().min(0).optional(),
  state: jsonObjectSchema.refine((o) => Object.keys(o).length <= 64, { error: 'at most 64 roots' }),
  tokens: jsonObjectSchema.refine((o) => Object.keys(o).length <= 1000, { error: 'at most 1000 tokens' }),
});

/** One input frame of a job. */
export const jobFrameSchema = z.discriminatedUnion('kind', [imageFrameSchema, canvasFrameSchema], {
  error: 'must be {kind: "image", mime: "image/png", data_base64} or {kind: "canvas", canvas_type, state, tokens}',
});

export type JobFrame = z.infer<typeof jobFrameSchema>;

/**
 * `input` of `POST /v1/jobs` (contract §9 leaves it open; pinned here):
 * - `frames`: inline frames, processed in order;
 * - `canvas_id`: a canvas of the scope's project whose snapshot (`GET /v1/canvases/{id}` as the
 *   requesting actor sees it) is a frame; without `frames` and `canvas_id`, the scope's canvas;
 * - `canvas_frames`: how many snapshots of that canvas to take, one per frame interval (`fps`),
 *   default 1 — a live canvas sampled over time;
 * - `params`: tool parameters per stage, keyed by the stage as written in `pipeline` or by its plugin.
 */
export const jobInputSchema = z.strictObject({
  frames: z.array(jobFrameSchema).max(MAX_JOB_FRAMES).optional(),
  canvas_id: entityIdSchema.optional(),
  canvas_frames: z.int().min(1).max(MAX_JOB_FRAMES).optional(),
  params: z.record(z.string(), jsonObjectSchema).optional(),
});

export type JobInput = z.infer<typeof jobInputSchema>;
