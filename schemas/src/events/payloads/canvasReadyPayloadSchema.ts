import { z } from 'zod';
import { canvasTypeManifestViewSchema } from '../../canvas/canvasTypeManifestSchema.ts';
import { base64Schema } from '../../lib/base64Schema.ts';
import { jsonValueSchema } from '../../lib/jsonValueSchema.ts';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';
import { slugSchema } from '../../scope/slugSchema.ts';

/**
 * Canvas snapshot in CANVAS_READY: `update` (full Yjs state, base64) when the viewer may read
 * every root, otherwise `state` (JSON of the readable roots); `tokens` are the readable tokens.
 * Paint first (`?paint=state`, WIRE-NOTES): `state` (JSON of every root) and `update_follows:
 * true` instead of `update`, which comes in the connection's next frame (`CANVAS_READY_UPDATE`).
 */
export const canvasSnapshotSchema = z.looseObject({
  update: base64Schema.optional(),
  state: z.record(z.string(), jsonValueSchema).optional(),
  tokens: z.record(z.string(), jsonValueSchema),
  update_follows: z.literal(true).optional(),
});

export type CanvasSnapshot = z.infer<typeof canvasSnapshotSchema>;

/**
 * `CANVAS_READY` (per connection, no `id:` line; WIRE-NOTES). Fresh connect: snapshot,
 * `reset: false`. Valid resume: no snapshot, replay follows. Unknown epoch or compacted cursor:
 * `reset: true` + snapshot. `cursor`: the position the stream continues after. After a lens
 * change an open stream gets a fresh one with `reason: "lens_changed"`.
 */
export const canvasReadyPayloadSchema = z.looseObject({
  canvas_id: entityIdSchema,
  canvas_type: slugSchema,
  manifest: canvasTypeManifestViewSchema,
  revision: z.int().min(0),
  cursor: z.string().min(1).max(64).nullable(),
  reset: z.boolean(),
  reason: z.string().min(1).max(64).optional(),
  snapshot: canvasSnapshotSchema.optional(),
});

export type CanvasReadyPayload = z.infer<typeof canvasReadyPayloadSchema>;
