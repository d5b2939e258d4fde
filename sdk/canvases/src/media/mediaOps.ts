import type { SnapshotCreatedPayload, StateOp } from '@easel/schemas';
import { mediaRefOf } from './projectMedia.ts';

/** The `items` root name (map). */
export const ITEMS_ROOT = 'items';

/** Records an announced sidecar in the gallery (key: its artifact id), titled `title` when given. */
export function addMediaOps(payload: SnapshotCreatedPayload, title?: string): StateOp[] {
  const value = mediaRefOf(payload);
  const clean = title?.trim().slice(0, 200);
  if (clean) value.title = clean;
  return [{ op: 'insert', root: ITEMS_ROOT, key: payload.artifact_id, value }];
}

/** Removes an entry from the gallery (the sidecar object itself stays). */
export function removeMediaOps(key: string): StateOp[] {
  return [{ op: 'delete', root: ITEMS_ROOT, key }];
}
