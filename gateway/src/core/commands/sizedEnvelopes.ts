import { fail, type GatewayError, ok } from '../errors/GatewayError.ts';
import { buildEnvelope, type EnvelopeContext } from './buildEnvelope.ts';

/**
 * The envelope JSON texts of `events` (one each, in order, all with `ctx`), or
 * `payload_too_large` for the first one over `limit` bytes (contract §4: 64 KiB).
 */
export function sizedEnvelopes(
  events: ReadonlyArray<{ readonly type: string; readonly payload: object }>,
  ctx: EnvelopeContext,
  limit: number,
): { ok: true; value: string[] } | { ok: false; error: GatewayError } {
  const envelopes = events.map((e) => buildEnvelope(e.type, e.payload, ctx));
  for (let i = 0; i < envelopes.length; i++) {
    const bytes = Buffer.byteLength(envelopes[i]!);
    if (bytes > limit) {
      return fail('payload_too_large', `the ${events[i]!.type} event would be ${bytes} bytes; the limit is ${limit}`, {
        limit,
        bytes,
      });
    }
  }
  return ok(envelopes);
}
