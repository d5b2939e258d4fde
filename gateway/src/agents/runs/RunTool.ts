import type { JsonValue, PluginManifest, ToolSpec } from '@easel/schemas';

/** A plugin tool a run may call, as the model sees it and the run calls it. */
export interface RunTool {
  /** The name the model calls it by: the ToolSpec's `alias`, else `<plugin>.<tool>`. */
  readonly name: string;
  readonly plugin: string;
  readonly tool: string;
  readonly description: string;
  /** The tool's input JSON Schema (from its plugin.json). */
  readonly inputSchema: JsonValue;
  /** Most calls in the run (ToolSpec `max_calls`); unbounded when absent. */
  readonly maxCalls?: number;
  /**
   * The tool is a frame-stage tool (its input takes a `frame`, contract §9 pipelines): a call
   * without a `frame` gets the canvas as the run's lens sees it now, and `index: 0`.
   */
  readonly takesFrame: boolean;
}

/** The model-facing name of a ToolSpec. */
export function toolName(spec: ToolSpec): string {
  return spec.alias ?? `${spec.plugin}.${spec.tool}`;
}

/** Builds the run's view of a plugin tool from its manifest entry. */
export function runToolOf(spec: ToolSpec, manifest: PluginManifest): RunTool | null {
  const declared = Object.hasOwn(manifest.tools, spec.tool) ? manifest.tools[spec.tool] : undefined;
  if (!declared) return null;
  const input = declared.input as JsonValue;
  const props =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? (input.properties as JsonValue) : undefined;
  const takesFrame =
    props !== null && typeof props === 'object' && !Array.isArray(props) && Object.hasOwn(props, 'frame');
  return {
    name: toolName(spec),
    plugin: spec.plugin,
    tool: spec.tool,
    description: declared.description,
    inputSchema: input,
    ...(spec.max_calls !== undefined ? { maxCalls: spec.max_calls } : {}),
    takesFrame,
  };
}

/** A canvas frame (contract §9) of the run's canvas, as a frame-stage tool receives it. */
export interface CanvasFrame {
  kind: 'canvas';
  canvas_type: string;
  canvas_id: string;
  revision: number;
  state: Record<string, JsonValue>;
  tokens: Record<string, JsonValue>;
}

/**
 * The input sent to a tool: the model's input, plus (frame-stage tools) the canvas `frame` and
 * `index: 0` when the model gave none. A non-object model input is sent as is.
 */
export function toolInput(tool: RunTool, modelInput: JsonValue, frame: () => CanvasFrame | null): JsonValue {
  if (!tool.takesFrame) return modelInput;
  const base: Record<string, JsonValue> =
    modelInput !== null && typeof modelInput === 'object' && !Array.isArray(modelInput) ? { ...modelInput } : {};
  if (base.frame === undefined) {
    const f = frame();
    if (f !== null) base.frame = f as unknown as JsonValue;
  }
  if (base.index === undefined) base.index = 0;
  return base;
}
