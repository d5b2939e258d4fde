import type pino from 'pino';
import { CanvasRebuildError } from '../canvas/CanvasDoc.ts';
import { fail, type GatewayError } from '../errors/GatewayError.ts';

/**
 * Logs an unexpected failure and answers 503 (never throws): `${what}; ${retry}`, or that the
 * canvas history could not be read. `retry` says how to retry; default `retry`.
 */
export function unavailable(
  logger: pino.Logger | undefined,
  err: unknown,
  what: string,
  retry = 'retry',
): { ok: false; error: GatewayError } {
  if (err instanceof CanvasRebuildError) {
    logger?.error({ err }, 'canvas history unreadable');
    return fail('unavailable', 'the canvas history could not be read; retry later');
  }
  logger?.error({ err }, what);
  return fail('unavailable', `${what}; ${retry}`);
}
