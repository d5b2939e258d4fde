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
      const update =
        events[i]!.type === 'state_patch' ? (events[i]!.payload as { update?: unknown }).update : undefined;
      if (typeof update === 'string') {
        // base64: 4 characters per 3 bytes. What the update may decode to, with this envelope.
        const room = Math.max(0, Math.floor((limit - (bytes - update.length)) / 4) * 3);
        return fail(
          'payload_too_large',
          `the state_patch event would be ${bytes} bytes; the limit is ${limit} bytes per event, which leaves room for an update of at most ${room} bytes (decoded) here; split the update or send larger state as a snapshot sidecar`,
          { limit, bytes, max_update_bytes: room },
        );
      }
      return fail('payload_too_large', `the ${events[i]!.type} event would be ${bytes} bytes; the limit is ${limit}`, {
        limit,
        bytes,
      });
    }
  }
  return ok(envelopes);
}
