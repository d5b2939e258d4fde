import type { CommandOf } from '@easel/schemas';
import { applyStateOps } from '../canvas/applyStateOps.ts';
import type { CanvasDoc } from '../canvas/CanvasDoc.ts';
import type { LensView } from '../lens/LensView.ts';
import { type EffectsResult, type PlannedEvent, statePatch } from './commandEffects.ts';
import type { PreparedRunRevert } from './prepareRunRevert.ts';

/** Most blocks listed in the `restored` / `conflicts` of one `canvas_commit` (the counts are exact). */
export const MAX_LISTED_BLOCKS = 200;

/**
 * `canvas.revert {run_id}`: applies the planned undo as one Yjs transaction (lens-checked like
 * `state.ops`: every root it rewrites must be writable), then `canvas_commit` kind `revert` with
 * `reverted_run`, the blocks `restored` and the `conflicts` left alone. Revision + 1, like any
 * revert; the resulting revision is labelled (its snapshot was saved while preparing).
 */
export function runRevertEffects(
  canvas: CanvasDoc,
  _cmd: CommandOf<'canvas.revert'>,
  view: LensView,
  prepared: PreparedRunRevert,
): EffectsResult {
  const { plan } = prepared;
  const revision = canvas.revision + 1;
  const events: PlannedEvent[] = [];
  let docChanged = false;
  if (plan.ops.length > 0) {
    const applied = applyStateOps(canvas, (root) => view.canWriteRoot(root), plan.ops);
    if (!applied.ok) {
      const error =
        applied.error.code === 'forbidden'
          ? {
              ...applied.error,
              message: `reverting the run rewrites a root your roles may not write: ${applied.error.message}`,
            }
          : applied.error;
      return { ok: false, error, ...(applied.discard ? { discard: true } : {}) };
    }
    docChanged = true;
    events.push(statePatch(canvas, applied.value.update, applied.value.roots, revision));
  }
  events.push({
    type: 'canvas_commit',
    payload: {
      revision,
      commit_id: prepared.commitId,
      message: `revert run ${plan.runId}`,
      kind: 'revert',
      reverted_run: plan.runId,
      restored: plan.restored.slice(0, MAX_LISTED_BLOCKS),
      restored_count: plan.restored.length,
      conflicts: plan.conflicts.slice(0, MAX_LISTED_BLOCKS),
      conflict_count: plan.conflicts.length,
    },
  });
  return {
    ok: true,
    value: {
      events,
      revision,
      finish: () => {
        canvas.revision = revision;
      },
      docChanged,
    },
  };
}
