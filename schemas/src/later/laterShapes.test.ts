import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { describeZodError } from '../errors/describeZodError.ts';
import { extendedJobResponseSchema } from './extendedJobResponseSchema.ts';
import { jobRequestSchema } from './jobRequestSchema.ts';
import { pluginHealthSchema } from './pluginHealthSchema.ts';
import { pluginInvokeResultSchema } from './pluginInvokeResultSchema.ts';
import { pluginManifestSchema } from './pluginManifestSchema.ts';
import { PLUGIN_STATES } from './pluginStates.ts';
import { presenceTicketRequestSchema } from './presenceTicketRequestSchema.ts';
import { runEventSchema } from './runEventSchema.ts';
import { runRequestSchema } from './runRequestSchema.ts';
import { sidecarCreateRequestSchema } from './sidecarCreateRequestSchema.ts';

const scope = { tenant_id: 'acme', project_id: 'demo', app_id: 'host', surface_id: 'main', mode: 'agent' };

function messageOf(r: { success: boolean; error?: z.ZodError }): string {
  return r.success || !r.error ? '' : describeZodError(r.error).message;
}

describe('[CONTRACT 7-10] later shapes', () => {
  it('[CONTRACT 9] plugin.json', () => {
    const manifest = {
      name: 'thumbnailer',
      version: '0.1.0',
      description: 'Makes thumbnails',
      entry: 'index.js',
      device: 'any',
      requires: ['sharp'],
      tools: {
        thumb: {
          description: 'One thumbnail',
          timeout_ms: 5000,
          memory_mb: 256,
          idempotent: true,
          input: { type: 'object' },
          output: { type: 'object' },
        },
      },
    };
    expect(pluginManifestSchema.parse(manifest)).toEqual(manifest);
    expect(messageOf(pluginManifestSchema.safeParse({ ...manifest, entry: '../escape.js' }))).toBe(
      'entry: must be a relative path inside the plugin folder',
    );
    expect(messageOf(pluginManifestSchema.safeParse({ ...manifest, tools: {} }))).toBe(
      'tools: must declare 1 to 64 tools',
    );
    expect(messageOf(pluginManifestSchema.safeParse({ ...manifest, device: 'tpu' }))).toMatch(/^device: /);
  });

  it('[CONTRACT 9] health, invoke results, jobs', () => {
    expect(Object.keys(PLUGIN_STATES)).toEqual(['LOADED', 'RUNNING', 'FAILED', 'UNAVAILABLE']);
    expect(
      pluginHealthSchema.safeParse({
        name: 'gpu-upscale',
        state: 'UNAVAILABLE',
        reason: 'needs a GPU',
        success_count: 0,
        error_count: 0,
      }).success,
    ).toBe(true);
    expect(pluginInvokeResultSchema.safeParse({ ok: true, value: { w: 1 }, ms: 3 }).success).toBe(true);
    expect(
      pluginInvokeResultSchema.safeParse({ ok: false, error: { kind: 'timeout', message: 'after 5000 ms' }, ms: 5000 })
        .success,
    ).toBe(true);
    expect(pluginInvokeResultSchema.safeParse({ ok: false, value: 1, ms: 1 }).success).toBe(false);
    expect(
      jobRequestSchema.safeParse({
        scope,
        pipeline: ['thumbnailer.thumb', 'upscale'],
        device_requested: 'gpu',
        input: {},
      }).success,
    ).toBe(true);
    expect(messageOf(jobRequestSchema.safeParse({ scope, pipeline: [], device_requested: 'gpu', input: {} }))).toMatch(
      /^pipeline: /,
    );
    expect(
      extendedJobResponseSchema.safeParse({
        job_id: 'j1',
        status: 'succeeded',
        device_requested: 'gpu',
        device_used: 'cpu',
        fallback: true,
        frames: 3,
        plugin_timings: { upscale: 12.5 },
        warnings: ['no GPU; ran on CPU'],
      }).success,
    ).toBe(true);
  });

  it('[CONTRACT 10] an invalid TaskSpec names the path', () => {
    const task = {
      goal: 'Tidy the board',
      inputs: {},
      tools: [{ plugin: 'thumbnailer', tool: 'thumb' }],
      budget: { tokens: 10000, time_ms: 60000, width: 2, reflection: 1 },
      verify: { assertions: [{ id: 'has-title', path: '/title', op: 'exists' }], scorers: [], refusal_thresholds: {} },
    };
    expect(runRequestSchema.parse({ scope, task })).toEqual({ scope, task });
    expect(
      messageOf(runRequestSchema.safeParse({ scope, task: { ...task, budget: { ...task.budget, width: 0 } } })),
    ).toMatch(/^task\.budget\.width: /);
    expect(messageOf(runRequestSchema.safeParse({ scope, task: { ...task, goal: undefined } }))).toBe(
      'task.goal: required',
    );
    expect(
      runEventSchema.safeParse({ run_id: 'r1', kind: 'verdict', verdict: 'stopped', budget_exceeded: 'tokens' })
        .success,
    ).toBe(true);
    expect(runEventSchema.safeParse({ run_id: 'r1', kind: 'dream' }).success).toBe(false);
  });

  it('[CONTRACT 7] a presence ticket request needs scope.canvas_id', () => {
    expect(messageOf(presenceTicketRequestSchema.safeParse({ scope }))).toBe('scope.canvas_id: required');
    expect(presenceTicketRequestSchema.safeParse({ scope: { ...scope, canvas_id: 'c1' } }).success).toBe(true);
  });

  it('[CONTRACT 8] a sidecar request is bound to mime, size and sha256', () => {
    const good = { scope, mime: 'image/png', size: 1024, sha256: 'a'.repeat(64), frame_range: { start: 0, end: 9 } };
    expect(sidecarCreateRequestSchema.parse(good)).toEqual(good);
    expect(messageOf(sidecarCreateRequestSchema.safeParse({ ...good, sha256: 'xyz' }))).toBe(
      'sha256: must be 64 lower-case hex digits',
    );
    expect(messageOf(sidecarCreateRequestSchema.safeParse({ ...good, frame_range: { start: 5, end: 1 } }))).toBe(
      'frame_range.end: start must not exceed end',
    );
  });

  it('[CONTRACT 3] a sidecar mime with parameters or upper case says how to fix it', () => {
    const good = { scope, mime: 'image/png', size: 1024, sha256: 'a'.repeat(64) };
    expect(messageOf(sidecarCreateRequestSchema.safeParse({ ...good, mime: 'text/plain; charset=utf-8' }))).toBe(
      'mime: must be a bare MIME type like image/png, without parameters: send "text/plain", not "text/plain; charset=utf-8"',
    );
    expect(messageOf(sidecarCreateRequestSchema.safeParse({ ...good, mime: 'TEXT/PLAIN' }))).toBe(
      'mime: must be a lower-case MIME type like image/png: send "text/plain"',
    );
    expect(messageOf(sidecarCreateRequestSchema.safeParse({ ...good, mime: 'text' }))).toBe(
      'mime: must be a MIME type like image/png (type/subtype, lower case, no parameters)',
    );
  });
});
