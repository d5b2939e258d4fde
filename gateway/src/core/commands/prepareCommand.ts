import type { Command, JsonValue } from '@easel/schemas';
import { fastUlid as ulid } from '../ids/fastUlid.ts';
import { type CanvasDoc, parseCommitMeta } from '../canvas/CanvasDoc.ts';
import type { CanvasRegistry } from '../canvas/CanvasRegistry.ts';
import type { CanvasTypeRegistry } from '../canvasTypes/CanvasTypeRegistry.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { type PreparedRunRevert, prepareRunRevert, RUN_REVERT_RETRY } from './prepareRunRevert.ts';

/** Returned when the canvas was reloaded or changed while a command was being prepared. */
export const RETRY = Symbol('retry');

export interface PrepareDeps {
  readonly spine: EventSpine;
  readonly types: CanvasTypeRegistry;
  readonly canvases: CanvasRegistry;
  readonly now: () => number;
}

/** What the async preparation of a command produced, for its synchronous apply-and-append. */
export type Prepared =
  | { kind: 'create'; manifest: NonNullable<Awaited<ReturnType<CanvasTypeRegistry['get']>>> }
  | { kind: 'canvas'; canvas: CanvasDoc }
  | { kind: 'commit'; canvas: CanvasDoc; commitId: string; revision: number }
  | {
      kind: 'revert';
      canvas: CanvasDoc;
      commitId: string;
      source: { state: Uint8Array | null; tokens: Record<string, JsonValue> };
    }
  | PreparedRunRevert;

/**
 * The asynchronous part of a command: load the canvas (404), the manifest of a new canvas
 * (400 unknown type, 409 existing canvas), the state of a revert's target, or save the state
 * snapshot a commit will label (durable first). `RETRY`: the canvas changed meanwhile.
 */
export async function prepareCommand(
  cmd: Command,
  partition: PartitionId,
  deps: PrepareDeps,
): Promise<Result<Prepared> | typeof RETRY> {
  const canvasId = cmd.scope.canvas_id;
  const { canvases, types, spine } = deps;
  if (cmd.type === 'canvas.create') {
    // Shared spines: the registration as stored (another node may have just replaced it).
    const manifest = await types.get(partition, cmd.payload.canvas_type, { fresh: spine.writers === 'shared' });
    if (!manifest) {
      // Say which types there are (the caller's mistake is likely a typo or a missing registration).
      const known = (await types.list(partition)).map((m) => m.type).sort();
      const shown = known.length > 20 ? `${known.slice(0, 20).join(', ')}, …` : known.join(', ');
      return fail(
        'validation_failed',
        `payload.canvas_type: unknown canvas type '${cmd.payload.canvas_type}'; this project has ${shown || 'none'} (register one with PUT /v1/projects/${cmd.scope.project_id}/canvas-types/{type})`,
        { canvas_type: cmd.payload.canvas_type, known: known.slice(0, 20) },
      );
    }
    if (await canvases.get(partition, canvasId))
      return fail('conflict', `canvas '${canvasId}' already exists`, { canvas_id: canvasId });
    return ok({ kind: 'create', manifest });
  }
  // A revert looks up its target among the canvas's commits: on a shared spine another node
  // may have made it (acknowledged already), so the canvas is brought up to the durable head.
  const canvas =
    cmd.type === 'canvas.revert'
      ? await canvases.getCurrent(partition, canvasId)
      : await canvases.get(partition, canvasId);
  if (!canvas) return fail('not_found', `canvas '${canvasId}' does not exist`, { canvas_id: canvasId });
  if (cmd.type === 'canvas.commit') {
    const commitId = ulid(deps.now());
    const snapshot = canvas.commitSnapshot(commitId);
    try {
      await canvas.appendChain; // the state it labels must be durable
    } catch {
      return RETRY;
    }
    await spine.saveSnapshot(partition, snapshot);
    // Shared spines: its write turn labels the state again if it moved (CommandProcessor.inTurn).
    if (canvas.disposed || (canvas.revision !== snapshot.revision && spine.writers !== 'shared')) return RETRY;
    return ok({ kind: 'commit', canvas, commitId, revision: snapshot.revision });
  }
  if (cmd.type === 'canvas.revert') {
    if (cmd.payload.run_id !== undefined) {
      const run = await prepareRunRevert(canvas, cmd.payload.run_id, partition, deps);
      return run === RUN_REVERT_RETRY ? RETRY : run;
    }
    const target = cmd.payload.revision ?? 0;
    const source = canvas.revertSource(target);
    if (!source) {
      const targets = canvas.revertTargets();
      return fail(
        'validation_failed',
        `payload.revision: ${target} is not a commit; revert to one of ${targets.join(', ')}`,
        {
          revision: target,
          targets,
        },
      );
    }
    let state: Uint8Array | null = null;
    let tokens: Record<string, JsonValue> = {};
    if (source.snapshot !== null) {
      const snap = await spine.loadSnapshot(partition, source.snapshot);
      const parsedTokens = snap ? parseCommitMeta(snap.meta) : null;
      if (!snap || !parsedTokens)
        return fail('unavailable', `the state of revision ${target} could not be read; retry later`);
      state = snap.state;
      tokens = parsedTokens;
    }
    return ok({ kind: 'revert', canvas, commitId: ulid(deps.now()), source: { state, tokens } });
  }
  return ok({ kind: 'canvas', canvas });
}
