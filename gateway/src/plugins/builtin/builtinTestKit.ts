import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CanvasTypeManifest, JsonValue, StateOp } from '@easel/schemas';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import { PNG } from 'pngjs';
import { SaxesParser } from 'saxes';
import { applyStateOps } from '../../core/canvas/applyStateOps.ts';
import { CanvasDoc } from '../../core/canvas/CanvasDoc.ts';
import { BUILTIN_PLUGINS_DIR } from './builtinPluginsDir.ts';

/** What a tool gets as `ctx` (contract §9). */
export interface ToolContext {
  progress(percent: number): void;
  warn(message: string): void;
  partial(payload: unknown): void;
  readonly signal: AbortSignal;
}

/** A plugin entry module as the sandbox host sees it. */
export interface PluginModule {
  init?: (ctx: unknown) => unknown;
  tools: Record<string, (input: unknown, ctx: ToolContext) => Promise<unknown>>;
}

/** A `ctx` that records what the tool reported. */
export interface RecordingContext extends ToolContext {
  readonly progressed: number[];
  readonly warnings: string[];
  readonly partials: unknown[];
}

export function recordingContext(signal: AbortSignal = new AbortController().signal): RecordingContext {
  const progressed: number[] = [];
  const warnings: string[] = [];
  const partials: unknown[] = [];
  return {
    progressed,
    warnings,
    partials,
    signal,
    progress: (p) => void progressed.push(p),
    warn: (m) => void warnings.push(m),
    partial: (p) => void partials.push(p),
  };
}

export function pluginDir(name: string): string {
  return join(BUILTIN_PLUGINS_DIR, name);
}

/** The raw `plugin.json` of a built-in. */
export function readManifest(name: string): Record<string, unknown> & { tools: Record<string, ToolManifest> } {
  return JSON.parse(readFileSync(join(pluginDir(name), 'plugin.json'), 'utf8'));
}

export interface ToolManifest {
  description: string;
  timeout_ms: number;
  memory_mb: number;
  idempotent: boolean;
  input: object;
  output: object;
}

/** Imports a built-in's entry the way the host does (a file URL, no TypeScript loader involved). */
export async function loadEntry(name: string): Promise<PluginModule> {
  const manifest = readManifest(name);
  const url = pathToFileURL(join(pluginDir(name), String(manifest.entry))).href;
  return (await import(url)) as PluginModule;
}

/** Draft 2020-12 validator, strict (unknown keywords and type slips are errors). */
export function ajv2020(): Ajv2020 {
  return new Ajv2020({ strict: true, allErrors: true });
}

/** Ajv's default (draft-07) validator, in case a host compiles with it. */
export function ajvDraft7(): Ajv {
  return new Ajv({ strict: true, allErrors: true });
}

/**
 * Calls a built-in tool as the host would: the input must pass the declared input schema, the
 * output must pass the declared output schema (the assertion messages say why not).
 */
export async function callTool(
  name: string,
  tool: string,
  input: unknown,
  ctx: RecordingContext = recordingContext(),
): Promise<{ value: Record<string, unknown>; ctx: RecordingContext }> {
  const { validIn, validOut, ajv } = toolValidators(name, tool);
  if (!validIn(input)) throw new Error(`input fails ${name}.${tool} input schema: ${ajv.errorsText(validIn.errors)}`);
  const entry = await loadEntry(name);
  const fn = entry.tools[tool];
  if (!fn) throw new Error(`${name} exports no tool ${tool}`);
  const value = await fn(input, ctx);
  // The host sends the output over IPC as JSON: validate what survives that.
  const wire: unknown = JSON.parse(JSON.stringify(value));
  if (!validOut(wire))
    throw new Error(`output fails ${name}.${tool} output schema: ${ajv.errorsText(validOut.errors)}`);
  return { value: wire, ctx };
}

const validators = new Map<
  string,
  { validIn: ValidateFunction; validOut: ValidateFunction<Record<string, unknown>>; ajv: Ajv2020 }
>();

/** The compiled input and output schemas of a tool (compiled once per test file). */
export function toolValidators(name: string, tool: string) {
  const key = `${name}.${tool}`;
  let found = validators.get(key);
  if (!found) {
    const spec = readManifest(name).tools[tool];
    if (!spec) throw new Error(`${name} has no tool ${tool}`);
    const ajv = ajv2020();
    found = { validIn: ajv.compile(spec.input), validOut: ajv.compile<Record<string, unknown>>(spec.output), ajv };
    validators.set(key, found);
  }
  return found;
}

/** A canvas frame built the way the gateway builds state: `state.ops` on a real CanvasDoc. */
export function canvasFrameOf(
  manifest: CanvasTypeManifest,
  ops: readonly StateOp[],
  tokens: Readonly<Record<string, JsonValue>> = {},
): { kind: 'canvas'; canvas_type: string; state: Record<string, unknown>; tokens: Record<string, JsonValue> } {
  const canvas = CanvasDoc.create('t/p', 'c1', manifest, 'test', 'epoch0001');
  if (ops.length > 0) {
    const applied = applyStateOps(canvas, () => true, ops);
    if (!applied.ok) throw new Error(`state.ops failed: ${applied.error.message}`);
  }
  for (const [id, value] of Object.entries(tokens)) canvas.setToken(id, value, canvas.revision + 1);
  const state: Record<string, unknown> = {};
  for (const root of Object.keys(manifest.roots)) state[root] = canvas.rootJson(root);
  return { kind: 'canvas', canvas_type: manifest.type, state, tokens: canvas.allTokens() };
}

/** A PNG (RGBA 8-bit) whose pixel (x, y) is `pixel(x, y)`, as base64. */
export function pngBase64(
  width: number,
  height: number,
  pixel: (x: number, y: number) => readonly [number, number, number, number?],
): string {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a = 255] = pixel(x, y);
      const i = (y * width + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  }
  return PNG.sync.write(png).toString('base64');
}

export function imageFrame(data_base64: string): { kind: 'image'; mime: 'image/png'; data_base64: string } {
  return { kind: 'image', mime: 'image/png', data_base64 };
}

/** Decodes a base64 PNG. */
export function decodePngBase64(data: string): PNG {
  return PNG.sync.read(Buffer.from(data, 'base64'));
}

/** Parses XML strictly; returns the element names in document order, or throws on the first error. */
export function xmlElements(xml: string): { name: string; attributes: Record<string, string> }[] {
  const parser = new SaxesParser();
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  let failure: Error | null = null;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    elements.push({ name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) } });
  });
  parser.write(xml).close();
  if (failure) throw failure;
  return elements;
}
