import type { JsonValue } from '@easel/schemas';
import * as Y from 'yjs';
import { applyStateOps } from '../canvas/applyStateOps.ts';
import { CanvasDoc } from '../canvas/CanvasDoc.ts';
import { planRunRevert, type RunRevertPlan } from '../canvas/planRunRevert.ts';
import { RunChangeTracker } from '../canvas/RunChangeTracker.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import { fastUlid as ulid } from '../ids/fastUlid.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';

/** What the synchronous part of `canvas.revert {run_id}` needs (a `Prepared` variant). */
export interface PreparedRunRevert {
  readonly kind: 'run_revert';
  readonly canvas: CanvasDoc;
  readonly commitId: string;
  /** The canvas revision the plan was made at: applied only while the canvas is still there. */
  readonly revision: number;
  readonly plan: RunRevertPlan;
}

/** Returned when the canvas changed while the revert was prepared (the caller prepares again). */
export const RUN_REVERT_RETRY = Symbol('run-revert-retry');

const PAGE = 1000;

/**
 * The asynchronous part of `canvas.revert {run_id}`: replays the canvas's history to find what
 * the run changed, plans the three-way undo against the live canvas, and saves the state it will
 * produce as the revert's commit snapshot (so the resulting revision is a revert target like any
 * commit). 404 when the run changed nothing on the canvas, 409 when it was reverted already, 503
 * when the early history is gone (compacted).
 */
export async function prepareRunRevert(
  canvas: CanvasDoc,
  runId: string,
  partition: PartitionId,
  deps: { readonly spine: EventSpine; readonly now: () => number },
): Promise<Result<PreparedRunRevert> | typeof RUN_REVERT_RETRY> {
  const { spine } = deps;
  try {
    await canvas.appendChain; // everything the live canvas shows must be readable
  } catch {
    return RUN_REVERT_RETRY;
  }
  const revision = canvas.revision;
  const lastSeq = canvas.lastSeq;
  const tracker = new RunChangeTracker(partition, canvas.canvasId, canvas.epoch, runId);
  let after = 0;
  // Bounded: each page advances `after` up to the live canvas's last seq.
  while (after < lastSeq) {
    const page = await spine.read(partition, after, { canvasId: canvas.canvasId, limit: PAGE });
    for (const event of page) {
      if (event.seq > lastSeq) break;
      tracker.feed(event);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  if (!tracker.started) {
    return fail(
      'unavailable',
      `the early history of canvas '${canvas.canvasId}' is no longer stored; the run cannot be reverted`,
    );
  }
  if (canvas.disposed || canvas.revision !== revision || canvas.lastSeq !== lastSeq) return RUN_REVERT_RETRY;
  if (tracker.alreadyReverted) {
    return fail('conflict', `run '${runId}' was already reverted on canvas '${canvas.canvasId}'`, { run_id: runId });
  }
  if (tracker.runPatches === 0) {
    return fail('not_found', `run '${runId}' made no changes to canvas '${canvas.canvasId}'`, { run_id: runId });
  }
  const plan = planRunRevert(
    runId,
    tracker.changes(),
    (root) => canvas.manifest.roots[root],
    (root) => canvas.rootJson(root) as JsonValue | undefined,
  );
  const commitId = ulid(deps.now());
  const preview = previewSnapshot(canvas, plan, commitId);
  if (!preview.ok) return preview;
  await spine.saveSnapshot(partition, preview.value);
  if (canvas.disposed || canvas.revision !== revision || canvas.lastSeq !== lastSeq) return RUN_REVERT_RETRY;
  return ok({ kind: 'run_revert', canvas, commitId, revision, plan });
}

/** The commit snapshot of the state after the plan, computed on a copy of the canvas. */
function previewSnapshot(canvas: CanvasDoc, plan: RunRevertPlan, commitId: string) {
  const copy = CanvasDoc.create(canvas.partition, canvas.canvasId, canvas.manifest, canvas.title, canvas.epoch);
  copy.doc.clientID = canvas.doc.clientID;
  Y.applyUpdate(copy.doc, Y.encodeStateAsUpdate(canvas.doc));
  for (const [id, value] of canvas.tokens) copy.tokens.set(id, value);
  copy.lastSeq = canvas.lastSeq;
  copy.revision = canvas.revision + 1;
  if (plan.ops.length > 0) {
    const applied = applyStateOps(copy, () => true, plan.ops);
    if (!applied.ok) return { ok: false as const, error: applied.error };
  }
  return ok(copy.commitSnapshot(commitId));
}
