import type { JsonValue, RevertConflict, StateOp } from '@easel/schemas';
import { isDeepStrictEqual } from 'node:util';
import type { BlockRef, RunBlockChange } from './RunChangeTracker.ts';

/** What undoing a run does to the canvas as it is now. */
export interface RunRevertPlan {
  readonly runId: string;
  /** `state.ops` that put every restorable block back to its content before the run. */
  readonly ops: StateOp[];
  /** Blocks the ops restore. */
  readonly restored: BlockRef[];
  /** Blocks left as they are (others changed them after the run did, or not revertible). */
  readonly conflicts: RevertConflict[];
}

/** Reads the current JSON of a root. */
export type RootReader = (root: string) => JsonValue | undefined;

function ref(change: BlockRef): BlockRef {
  return change.key === undefined ? { root: change.root } : { root: change.root, key: change.key };
}

function currentOf(change: BlockRef, read: RootReader): JsonValue | undefined {
  const json = read(change.root);
  if (change.key === undefined) return json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  return Object.hasOwn(json, change.key) ? json[change.key] : undefined;
}

/**
 * The three-way undo of a run (`canvas.revert {run_id}`): a block the run changed goes back to
 * its content before the run when nobody else changed it after the run first did (and it still
 * holds what the run left); any other block stays and is listed as a conflict. Blocks already
 * back to their old content need nothing. Map blocks are keys; array and text roots are restored
 * whole; xml roots are never rewritten (`state.ops` cannot express them). Pure.
 */
export function planRunRevert(
  runId: string,
  changes: readonly RunBlockChange[],
  kindOf: (root: string) => 'map' | 'array' | 'text' | 'xml' | undefined,
  read: RootReader,
): RunRevertPlan {
  const ops: StateOp[] = [];
  const restored: BlockRef[] = [];
  const conflicts: RevertConflict[] = [];
  for (const change of changes) {
    const kind = kindOf(change.root);
    const current = currentOf(change, read);
    if (kind === undefined || kind === 'xml') {
      conflicts.push({ ...ref(change), reason: 'not_revertible' });
      continue;
    }
    if (!isDeepStrictEqual(current, change.after)) {
      conflicts.push({ ...ref(change), reason: 'changed_since_run' });
      continue;
    }
    if (change.othersChanged) {
      conflicts.push({ ...ref(change), reason: 'changed_by_others' });
      continue;
    }
    if (isDeepStrictEqual(current, change.before)) continue;
    const root = change.root;
    if (kind === 'map' && change.key !== undefined) {
      const key = change.key;
      if (change.before === undefined) ops.push({ op: 'delete', root, key });
      else if (current === undefined) ops.push({ op: 'insert', root, key, value: change.before });
      else ops.push({ op: 'update', root, key, value: change.before });
    } else if (kind === 'array') {
      const now = Array.isArray(current) ? current : [];
      const old = Array.isArray(change.before) ? change.before : [];
      if (now.length > 0) ops.push({ op: 'delete', root, index: 0, length: now.length });
      old.forEach((value, index) => {
        ops.push({ op: 'insert', root, index, value });
      });
    } else if (kind === 'text') {
      const now = typeof current === 'string' ? current : '';
      const old = typeof change.before === 'string' ? change.before : '';
      if (now.length > 0) ops.push({ op: 'delete', root, index: 0, length: now.length });
      if (old.length > 0) ops.push({ op: 'insert', root, index: 0, value: old });
    } else {
      conflicts.push({ ...ref(change), reason: 'not_revertible' });
      continue;
    }
    restored.push(ref(change));
  }
  return { runId, ops, restored, conflicts };
}
