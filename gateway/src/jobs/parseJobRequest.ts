import {
  type Device,
  describeZodError,
  type JsonObject,
  jobRequestSchema,
  type PluginManifest,
  type Scope,
} from '@easel/schemas';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, type GatewayError, ok, type Result } from '../core/errors/GatewayError.ts';
import { parseScope } from '../core/scope/parseScope.ts';
import type { PluginHost } from '../plugins/index.ts';
import { type JobFrame, jobInputSchema, MAX_JOB_FRAMES } from './jobInputSchema.ts';
import { outOfRangeNumber } from './outOfRangeNumber.ts';

/** One resolved pipeline stage. */
export interface JobStage {
  /** As written in the request (`plugin` or `plugin.tool`). */
  readonly stage: string;
  readonly plugin: string;
  readonly tool: string;
  readonly device: PluginManifest['device'];
  readonly params?: JsonObject;
}

/** A validated `POST /v1/jobs`. */
export interface JobPlan {
  /** The request's scope (tenant checked). */
  readonly scope: Scope;
  readonly stages: readonly JobStage[];
  readonly deviceRequested: Device;
  readonly fps?: number;
  readonly frames: readonly JobFrame[];
  /** Canvas snapshots to take (before the inline frames), or null. */
  readonly canvas: { readonly canvasId: string; readonly count: number } | null;
  /** The job id the scope asked for, if any. */
  readonly jobId?: string;
}

/**
 * Validates a `POST /v1/jobs` body (contract §9) against the caller and the plugin host:
 * scope first (400 naming the field, 403 `tenant_mismatch`), then the body shape, the input
 * (`input.frames`, `input.canvas_id`, `input.canvas_frames`, `input.params`), and every stage
 * (400 for an unknown plugin or tool, 503 `unavailable` for a plugin that cannot load). Never throws.
 */
export function parseJobRequest(principal: Principal, body: unknown, plugins: PluginHost): Result<JobPlan> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail('validation_failed', '(body): must be a JSON object {scope, pipeline, device_requested, fps?, input}');
  }
  const scope = parseScope(principal, (body as { scope?: unknown }).scope, { canvas: 'optional' });
  if (!scope.ok) return scope;
  const parsed = jobRequestSchema.safeParse(body);
  if (!parsed.success) {
    const infinite = outOfRangeNumber(body);
    if (infinite) return infinite;
    const described = describeZodError(parsed.error);
    return fail('validation_failed', described.message, described.details);
  }
  const request = parsed.data;
  const input = jobInputSchema.safeParse(request.input ?? null);
  if (!input.success) {
    const infinite = outOfRangeNumber(request.input, 'input');
    if (infinite) return infinite;
    if (request.input === null || typeof request.input !== 'object' || Array.isArray(request.input)) {
      return invalid('input', 'must be an object {frames?, canvas_id?, canvas_frames?, params?}');
    }
    const described = describeZodError(input.error, 'input');
    return fail('validation_failed', described.message, described.details);
  }
  const { frames = [], canvas_id: inputCanvas, canvas_frames: canvasFrames, params = {} } = input.data;

  const stages: JobStage[] = [];
  for (let i = 0; i < request.pipeline.length; i++) {
    const resolved = resolveStage(request.pipeline[i]!, `pipeline[${i}]`, plugins);
    if (!resolved.ok) return resolved;
    stages.push(resolved.value);
  }
  const known = new Set(stages.flatMap((s) => [s.stage, s.plugin]));
  for (const key of Object.keys(params)) {
    if (!known.has(key)) {
      return invalid(`input.params.${key}`, `not a stage of the pipeline (stages: ${request.pipeline.join(', ')})`);
    }
  }
  const withParams = stages.map((s) => {
    const own = params[s.stage] ?? params[s.plugin];
    return own === undefined ? s : { ...s, params: own };
  });

  const canvasId = inputCanvas ?? (frames.length === 0 ? scope.value.canvas_id : undefined);
  if (canvasId === undefined) {
    if (canvasFrames !== undefined) {
      return invalid('input.canvas_frames', 'needs a canvas: give input.canvas_id (or scope.canvas_id without frames)');
    }
    if (frames.length === 0) {
      return invalid('input', 'no frames: give input.frames, input.canvas_id, or a scope.canvas_id');
    }
  }
  const count = canvasId === undefined ? 0 : (canvasFrames ?? 1);
  if (count + frames.length > MAX_JOB_FRAMES) {
    return invalid('input', `${count + frames.length} frames; the limit is ${MAX_JOB_FRAMES} per job`);
  }
  return ok({
    scope: scope.value,
    stages: withParams,
    deviceRequested: request.device_requested,
    ...(request.fps !== undefined ? { fps: request.fps } : {}),
    frames,
    canvas: canvasId === undefined ? null : { canvasId, count },
    ...(scope.value.job_id !== undefined ? { jobId: scope.value.job_id } : {}),
  });
}

/** `plugin` (its only or first tool) or `plugin.tool`, checked against the host. */
function resolveStage(stage: string, path: string, plugins: PluginHost): Result<JobStage> {
  const dot = stage.indexOf('.');
  const plugin = dot === -1 ? stage : stage.slice(0, dot);
  const health = plugins.health(plugin);
  if (health === null) {
    const names = plugins.list().map((p) => p.name);
    return invalid(path, `no plugin named "${plugin}" (loaded: ${names.join(', ') || 'none'})`);
  }
  const manifest = plugins.manifest(plugin);
  if (manifest === null || health.state === 'UNAVAILABLE') {
    return fail('unavailable', `${path}: plugin "${plugin}" is UNAVAILABLE: ${health.reason ?? 'it cannot load'}`, {
      plugin,
      state: health.state,
      ...(health.reason !== undefined ? { reason: health.reason } : {}),
    });
  }
  const tools = Object.keys(manifest.tools);
  const tool = dot === -1 ? tools[0] : stage.slice(dot + 1);
  if (tool === undefined || !Object.hasOwn(manifest.tools, tool)) {
    return invalid(path, `plugin "${plugin}" has no tool "${tool ?? ''}" (tools: ${tools.join(', ')})`);
  }
  return ok({ stage, plugin, tool, device: manifest.device });
}

function invalid(path: string, message: string): { ok: false; error: GatewayError } {
  return fail('validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });
}
