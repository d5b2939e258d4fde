import type { CanvasToolPlugin, ExtendedJobResponse, JsonValue } from '@easel/schemas';
import type { HarnessStores } from '../stores/HarnessStores.ts';
import type { EmitResult } from './defineCanvas.ts';

/** How long a plugin tool waits for its job to end (ms), and how often it asks (ms). */
const WAIT_MS = 120_000;
const POLL_MS = 1_000;
const DONE = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Runs a canvas tool backed by a plugin (`tool.plugin`): starts a one-stage job on this canvas
 * (pipeline `<name>.<tool>`, input `{canvas_id, params?: {<stage>: args.params}}`, scope the
 * canvas's, so its events stream here) on `args.device` (`cpu`, the default, or `gpu`) and resolves
 * once the job ends, with its status and result.
 */
export async function runPluginTool(
  stores: HarnessStores,
  plugin: CanvasToolPlugin,
  args: Record<string, JsonValue>,
  options: { waitMs?: number; pollMs?: number } = {},
): Promise<EmitResult> {
  const stage = `${plugin.name}.${plugin.tool}`;
  const params = args.params;
  const input: Record<string, JsonValue> = { canvas_id: stores.transport.scope.canvas_id };
  if (params !== undefined && params !== null) input.params = { [stage]: params };
  // The contract's devices are cpu and gpu (a job asked for gpu falls back to cpu where there is none).
  const device = args.device === 'gpu' ? 'gpu' : 'cpu';
  const started = await stores.api.startJob({
    scope: stores.transport.scope,
    pipeline: [stage],
    device_requested: device,
    input,
  });
  if (!started.ok) return { ok: false, code: started.error.code, message: started.error.message };
  stores.recordJob(started.value);
  const ended = await waitForJob(stores, started.value, options.waitMs ?? WAIT_MS, options.pollMs ?? POLL_MS);
  if (!ended.ok) return ended;
  const job = ended.value;
  if (job.status !== 'succeeded') {
    const error = (job as { error?: { kind?: string; message?: string } | null }).error;
    return {
      ok: false,
      code: job.status === 'cancelled' ? 'cancelled' : (error?.kind ?? 'job_failed'),
      message: error?.message ?? `the ${stage} job ${job.status}`,
    };
  }
  const result = (job as { result?: JsonValue }).result;
  return {
    ok: true,
    revision: stores.transport.revision ?? 0,
    job: { job_id: job.job_id, status: job.status, ...(result !== undefined ? { result } : {}) },
  };
}

type Waited = { ok: true; value: ExtendedJobResponse } | { ok: false; code: string; message: string };

/** Waits (bounded) for a job to end: woken by its streamed events, and asks the gateway each `pollMs`. */
async function waitForJob(
  stores: HarnessStores,
  first: ExtendedJobResponse,
  waitMs: number,
  pollMs: number,
): Promise<Waited> {
  if (DONE.has(first.status)) return { ok: true, value: first };
  const deadline = Date.now() + waitMs;
  let last: ExtendedJobResponse = first;
  while (Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(pollMs, Math.max(0, deadline - Date.now())));
      const off = stores.jobs.subscribe(() => {
        const view = stores.jobs.value.find((j) => j.jobId === first.job_id);
        if (view && DONE.has(view.status)) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
    const got = await stores.api.getJob(first.job_id);
    if (got.ok) {
      last = got.value;
      stores.recordJob(got.value);
      if (DONE.has(got.value.status)) return { ok: true, value: got.value };
    }
  }
  return { ok: false, code: 'timeout', message: `job ${last.job_id} still ${last.status} after ${waitMs} ms` };
}
