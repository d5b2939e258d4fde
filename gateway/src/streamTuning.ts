import type { StreamHubOptions } from './core/fanout/StreamHub.ts';

/** The fan-out tunables `easel serve` reads from its environment. */
export type StreamTuning = Pick<StreamHubOptions, 'keepAliveMs' | 'budgetBytes' | 'drainTimeoutMs' | 'retryMs'>;

const RETRY_RANGE = /^\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?$/;

/**
 * Fan-out tunables from `env` (see the gateway README): `EASEL_SSE_KEEPALIVE_MS` (≥ 10),
 * `EASEL_SSE_BUDGET_BYTES` (≥ 1024), `EASEL_SSE_DRAIN_TIMEOUT_MS` (≥ 100) — an out-of-range
 * value of these is ignored, as before — and `EASEL_SSE_RETRY_MS`, the range the `retry:` hint of
 * each stream is drawn from (`<min>-<max>` or one value, 50–60 000 ms), which is how soon a
 * client comes back after losing its stream; a malformed range is an error, so a typo does not
 * go unnoticed.
 */
export function streamTuning(
  env: NodeJS.ProcessEnv,
): { ok: true; value: StreamTuning } | { ok: false; message: string } {
  const out: StreamTuning = {};
  const keepAlive = Number(env.EASEL_SSE_KEEPALIVE_MS);
  if (Number.isInteger(keepAlive) && keepAlive >= 10) out.keepAliveMs = keepAlive;
  const budget = Number(env.EASEL_SSE_BUDGET_BYTES);
  if (Number.isInteger(budget) && budget >= 1024) out.budgetBytes = budget;
  const drain = Number(env.EASEL_SSE_DRAIN_TIMEOUT_MS);
  if (Number.isInteger(drain) && drain >= 100) out.drainTimeoutMs = drain;
  const retry = env.EASEL_SSE_RETRY_MS;
  if (retry !== undefined && retry !== '') {
    const m = RETRY_RANGE.exec(retry);
    const min = m ? Number(m[1]) : Number.NaN;
    const max = m ? Number(m[2] ?? m[1]) : Number.NaN;
    if (!(min >= 50 && max <= 60_000 && min <= max)) {
      return {
        ok: false,
        message: `EASEL_SSE_RETRY_MS must be <min>-<max> or one value in milliseconds, 50–60000, min ≤ max (e.g. 500-1500), not ${JSON.stringify(retry)}`,
      };
    }
    out.retryMs = { min, max };
  }
  return { ok: true, value: out };
}
