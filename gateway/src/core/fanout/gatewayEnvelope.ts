import type { Actor, Scope } from '@easel/schemas';
import { fastUlid as ulid } from '../ids/fastUlid.ts';

/** The actor of per-connection events the gateway itself emits (CANVAS_READY, stream_closed). */
export const GATEWAY_ACTOR: Actor = Object.freeze({ id: 'easel-gateway', kind: 'service' }) as Actor;

/**
 * The envelope JSON of a per-connection, non-durable event (contract §4 envelope):
 * `CANVAS_READY` and `stream_closed` are built here, not read from the spine.
 */
export function gatewayEnvelopeJson(type: string, scope: Scope, payload: object, now: number = Date.now()): string {
  return JSON.stringify({
    v: 1,
    event_id: ulid(now),
    type,
    timestamp: new Date(now).toISOString(),
    scope,
    actor: GATEWAY_ACTOR,
    durable: false,
    payload,
  });
}

/**
 * The envelope's `timestamp` in ms, read without parsing the whole JSON (fan-out lag metric).
 * NaN when absent.
 */
export function envelopeTimestampMs(envelope: string): number {
  const key = '"timestamp":"';
  const at = envelope.indexOf(key);
  if (at === -1) return Number.NaN;
  const start = at + key.length;
  const end = envelope.indexOf('"', start);
  return end === -1 ? Number.NaN : Date.parse(envelope.slice(start, end));
}
