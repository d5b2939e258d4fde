import { CANVAS_RECORD_KIND } from './canvas/CanvasRegistry.ts';
import type { EventSpine, PartitionId } from './spine/EventSpine.ts';

/**
 * Whether the spine holds a canvas, answered without rebuilding it (no Y.Doc, no replay): its
 * directory record, else its first durable event, else a snapshot (its events compacted). The
 * same answer as loading it (`CanvasRegistry.get`): a canvas exists iff its `canvas_created` is
 * durable, and the directory record is written only after that; a canvas whose history does not
 * start with `canvas_created` (its rebuild fails) has events, so it exists too. On a single-writer
 * spine, everything appended so far is made readable first, as a load does. Rejects with the
 * spine's errors.
 */
export async function canvasOnSpine(spine: EventSpine, partition: PartitionId, canvasId: string): Promise<boolean> {
  if ((await spine.getRecord(CANVAS_RECORD_KIND, `${partition}/${canvasId}`)) !== null) return true;
  if (spine.writers === 'single') await spine.flush();
  if ((await spine.read(partition, 0, { canvasId, limit: 1 })).length > 0) return true;
  return (await spine.loadSnapshot(partition, canvasId)) !== null;
}
