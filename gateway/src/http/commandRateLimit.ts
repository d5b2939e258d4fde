import type { ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import { ActorRateLimit } from '../core/limits/ActorRateLimit.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { sendRawError } from './sendError.ts';

/**
 * The per-actor command rate limit by default: 500 commands/s, bursts of 1000 (per gateway node:
 * a cluster of N nodes admits up to N times that from an actor whose requests are spread over them).
 */
export const COMMAND_RATE_DEFAULTS = { ratePerSecond: 500, burst: 1000 } as const;

/** The per-actor command rate limit's settings; null: no limit. */
export type CommandRateSettings = { readonly ratePerSecond: number; readonly burst: number } | null;

const DECIMAL = /^\s*\d+(?:\.\d+)?\s*$/;
const INTEGER = /^\s*\d+\s*$/;

/**
 * The per-actor command rate limit from `env`: `EASEL_COMMAND_RATE` (commands per second per
 * actor and node, a non-negative number; `0` turns the limit off; unset or empty:
 * {@link COMMAND_RATE_DEFAULTS}) and `EASEL_COMMAND_BURST` (the most commands an idle actor may
 * send at once, a positive integer). Anything else is an error, so a typo does not go unnoticed
 * (`easel serve` refuses to start with the message).
 */
export function commandRateSettings(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; value: CommandRateSettings } | { ok: false; message: string } {
  const rateText = env.EASEL_COMMAND_RATE;
  let ratePerSecond: number = COMMAND_RATE_DEFAULTS.ratePerSecond;
  if (rateText !== undefined && rateText.trim() !== '') {
    ratePerSecond = Number(rateText);
    if (!DECIMAL.test(rateText) || !Number.isFinite(ratePerSecond)) {
      return {
        ok: false,
        message: `EASEL_COMMAND_RATE must be a number of commands per second per actor (e.g. 500), or 0 for no limit, not ${JSON.stringify(rateText)}`,
      };
    }
  }
  const burstText = env.EASEL_COMMAND_BURST;
  let burst: number = COMMAND_RATE_DEFAULTS.burst;
  if (burstText !== undefined && burstText.trim() !== '') {
    burst = Number(burstText);
    if (!INTEGER.test(burstText) || !Number.isSafeInteger(burst) || burst <= 0) {
      return {
        ok: false,
        message: `EASEL_COMMAND_BURST must be a positive integer of commands (e.g. 1000), not ${JSON.stringify(burstText)}`,
      };
    }
  }
  return { ok: true, value: ratePerSecond === 0 ? null : { ratePerSecond, burst } };
}

let shared: ActorRateLimit | null | undefined;

/**
 * The process-wide per-actor command rate limit (`EASEL_COMMAND_RATE`, `EASEL_COMMAND_BURST`;
 * a bad value keeps the defaults: `easel serve` refuses it at start), made on first use; null
 * when the limit is off.
 */
export function processCommandRateLimit(): ActorRateLimit | null {
  if (shared === undefined) {
    const settings = commandRateSettings(process.env);
    const value = settings.ok ? settings.value : COMMAND_RATE_DEFAULTS;
    shared = value === null ? null : new ActorRateLimit(value);
  }
  return shared;
}

/** The limit commands of `deps` are admitted under: `deps.commandRate`, else {@link processCommandRateLimit}. */
export function commandRateLimitOf(deps: Pick<HttpDeps, 'commandRate'>): ActorRateLimit | null {
  const own = deps.commandRate;
  return own !== undefined ? own : processCommandRateLimit();
}

/** The name of the counter of commands refused by the rate limit. */
export const RATE_LIMITED_COUNTER = 'easel_commands_rate_limited_total';

/**
 * The counter `easel_commands_rate_limited_total` (commands refused by the per-actor rate limit,
 * by route) of `registry`, registered on first use.
 */
export function rateLimitedCounter(registry: Registry): Counter<'route'> {
  const existing = registry.getSingleMetric(RATE_LIMITED_COUNTER);
  if (existing !== undefined) return existing as Counter<'route'>;
  return new Counter({
    name: RATE_LIMITED_COUNTER,
    help: 'Commands refused by the per-actor command rate limit (EASEL_COMMAND_RATE, EASEL_COMMAND_BURST), by route (single, batch).',
    labelNames: ['route'] as const,
    registers: [registry],
  });
}

/**
 * Answers a request whose `count` commands the limit did not admit (counted in
 * `easel_commands_rate_limited_total` and, as `type`, in `easel_commands_total`), `waitMs` being what
 * `ActorRateLimit.take` returned: 429 `rate_limited` with `Retry-After` (whole seconds, rounded
 * up), or, for a batch of more commands than the burst (`waitMs` infinite: it would never be
 * admitted), 413 `payload_too_large` asking to split it. Nothing of the request is applied.
 */
export function sendRateLimited(
  deps: Pick<HttpDeps, 'metrics'>,
  res: ServerResponse,
  requestId: string,
  route: 'single' | 'batch',
  type: string,
  limit: ActorRateLimit,
  count: number,
  waitMs: number,
): void {
  rateLimitedCounter(deps.metrics.registry).inc({ route }, count);
  const { ratePerSecond: rate, burst } = limit;
  if (waitMs === Number.POSITIVE_INFINITY) {
    deps.metrics.command(type, 'payload_too_large');
    sendRawError(
      res,
      requestId,
      'payload_too_large',
      `this batch has ${count} commands, more than the ${burst} an actor may send at once to this gateway (EASEL_COMMAND_BURST); nothing was applied: split it into batches of at most ${burst} commands`,
      { commands: count, burst },
    );
    return;
  }
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  deps.metrics.command(type, 'rate_limited');
  if (!res.headersSent) res.setHeader('retry-after', String(seconds));
  sendRawError(
    res,
    requestId,
    'rate_limited',
    `this actor sent commands faster than this gateway admits (${rate} commands/s, bursts of ${burst}); nothing was applied: retry the same command_id after ${seconds} s (Retry-After)`,
    { rate_per_second: rate, burst, retry_after_seconds: seconds },
  );
}
