import type { JsonValue, Scope } from '@easel/schemas';
import type { Principal } from '../../core/auth/Principal.ts';
import type { ModelContext } from '../models/ModelAdapter.ts';
import type { RunCore } from './RunCore.ts';
import type { RunEvents } from './RunEvents.ts';
import type { CanvasFrame } from './RunTool.ts';

/** What a {@link RunCanvasReader} reads with. */
export interface RunCanvasReaderOptions {
  /** The run's creator: the canvas is read through its lens. */
  readonly principal: Principal;
  /** The run's event scope (its canvas scope with `run_id`). */
  readonly scope: Scope;
  readonly core: Pick<RunCore, 'readCanvas' | 'getCanvasType'>;
  /** The run's events: every frame read is added to their sources. */
  readonly events: Pick<RunEvents, 'sources'>;
}

/**
 * Reads a run's canvas as its creator's lens shows it now: as a frame (for frame-stage tools,
 * scorers and the verify) or as the model's context. Every read is recorded in the run's sources,
 * so what the run says or computes after is stamped as derived from it.
 */
export class RunCanvasReader {
  constructor(private readonly o: RunCanvasReaderOptions) {}

  /** The canvas as a frame (the creator's lens), or null when it cannot be read. */
  async frame(): Promise<CanvasFrame | null> {
    const read = await this.o.core.readCanvas(this.o.principal, canvasScopeOf(this.o.scope));
    if (!read.ok) return null;
    const { canvas_id, canvas_type, revision, state, tokens } = read.value;
    const frame: CanvasFrame = {
      kind: 'canvas',
      canvas_type,
      canvas_id,
      revision,
      state: state as Record<string, JsonValue>,
      tokens,
    };
    this.o.events.sources.addFrame(frame); // what the model, tools and scorers see from here on
    return frame;
  }

  /** What the model sees of the canvas this round, or null when it cannot be read. */
  async modelContext(): Promise<ModelContext | null> {
    const frame = await this.frame();
    if (!frame) return null;
    const roots: ModelContext['roots'] = {};
    const type = await this.o.core.getCanvasType(this.o.principal, this.o.scope.project_id, frame.canvas_type);
    if (type.ok) Object.assign(roots, type.value.roots);
    for (const [name, value] of Object.entries(frame.state)) {
      roots[name] ??= Array.isArray(value) ? 'array' : typeof value === 'string' ? 'text' : 'map';
    }
    return {
      canvasId: frame.canvas_id,
      canvasType: frame.canvas_type,
      roots,
      state: frame.state,
      tokens: frame.tokens,
    };
  }
}

/** The canvas scope of a run scope (without `run_id`). */
export function canvasScopeOf(scope: Scope): Scope {
  const { run_id: _run, ...rest } = scope;
  return rest;
}
