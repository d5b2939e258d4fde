import { describeZodError, type ExtendedJobResponse, jobRequestSchema, type PluginHealth } from '@easel/schemas';
import { recordedEvent } from './recordedEvent.ts';
import type { RecordedEnvelope } from './recordedEvent.ts';

/** What a simulated job needs of the recorded gateway. */
export interface JobHost {
  readonly scope: RecordedEnvelope['scope'];
  later(ms: number, fn: () => void): void;
  push(event: RecordedEnvelope): void;
}

let jobCounter = 0;

/**
 * The recorded gateway's jobs: checks the request like the real one (the contract's job request
 * shape, a pipeline of known, available plugins), answers `queued`, then streams `plugin_status`, `progress` per stage,
 * a GPU → CPU `warning` when a GPU was asked for, and `job_completed` with per-plugin timings.
 */
export function simulateJob(
  gateway: JobHost,
  body: unknown,
  plugins: readonly PluginHealth[],
  store: (job: ExtendedJobResponse) => void,
): { ok: true; job: ExtendedJobResponse } | { ok: false; code: string; message: string } {
  const checked = jobRequestSchema.safeParse(body);
  if (!checked.success)
    return { ok: false, code: 'validation_failed', message: describeZodError(checked.error).message };
  const req = body as { pipeline?: unknown; device_requested?: unknown; fps?: unknown } | null;
  if (!req || !Array.isArray(req.pipeline) || req.pipeline.length === 0) {
    return { ok: false, code: 'validation_failed', message: 'pipeline: must list at least one plugin' };
  }
  const device = req.device_requested === 'gpu' ? 'gpu' : 'cpu';
  const stages = req.pipeline.map(String);
  for (const stage of stages) {
    const name = stage.split('.')[0]!;
    const plugin = plugins.find((p) => p.name === name);
    if (!plugin) return { ok: false, code: 'not_found', message: `pipeline: no plugin ${name}` };
    if (plugin.state === 'UNAVAILABLE') {
      return {
        ok: false,
        code: 'unavailable',
        message: `${name} is unavailable: ${plugin.reason ?? 'it cannot load'}`,
      };
    }
  }
  jobCounter += 1;
  const jobId = `job-${jobCounter}`;
  const scope = { ...gateway.scope, job_id: jobId };
  const by = { scope, actor: { id: 'gateway', kind: 'service' as const } };
  const fallback = device === 'gpu';
  let job: ExtendedJobResponse = {
    job_id: jobId,
    status: 'queued',
    device_requested: device,
    device_used: null,
    fallback: false,
    frames: 0,
    pipeline: stages,
  } as ExtendedJobResponse;
  store(job);
  const timings: Record<string, number> = {};
  const step = 180;
  let at = step;
  if (fallback) {
    gateway.later(at, () =>
      gateway.push(
        recordedEvent('warning', { job_id: jobId, message: 'no GPU on this gateway: running on the CPU' }, by),
      ),
    );
  }
  stages.forEach((stage, i) => {
    const name = stage.split('.')[0]!;
    gateway.later(at, () => gateway.push(recordedEvent('plugin_status', { name, state: 'RUNNING' }, by)));
    for (const part of [0.25, 0.5, 0.75, 1]) {
      at += step;
      const percent = Math.round(((i + part) / stages.length) * 100);
      gateway.later(at, () =>
        gateway.push(
          recordedEvent(
            'progress',
            { job_id: jobId, plugin: name, percent, message: `step ${Math.round(part * 4)} of 4` },
            by,
          ),
        ),
      );
    }
    timings[name] = 4 * step + i * 37;
    gateway.later(at, () => gateway.push(recordedEvent('plugin_status', { name, state: 'LOADED' }, by)));
  });
  at += step;
  gateway.later(at, () => {
    job = {
      ...job,
      status: 'succeeded',
      device_used: 'cpu',
      fallback,
      frames: 1,
      progress: 100,
      plugin_timings: timings,
      ...(fallback ? { warnings: ['no GPU on this gateway: running on the CPU'] } : {}),
    };
    store(job);
    gateway.push(recordedEvent('job_completed', job as unknown as Record<string, unknown>, by));
  });
  return { ok: true, job };
}
