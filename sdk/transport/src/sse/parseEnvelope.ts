import {
  type Actor,
  type CanvasReadyPayload,
  EVENT_PAYLOAD_SCHEMAS,
  type Envelope,
  type EventPayloads,
  type EventType,
  type Scope,
  envelopeSchema,
} from '@easel/schemas';
import type { FrameParse } from './SseReader.ts';
import type { SseFrame } from './readEventStream.ts';

/** The envelope fields every event carries (contract §4), payload aside. */
export interface EnvelopeFields {
  readonly v: 1;
  readonly event_id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly scope: Scope;
  readonly actor: Actor;
  readonly durable: boolean;
  /** The command that caused the event. */
  readonly causation_id?: string | undefined;
  readonly session_id?: string | undefined;
  readonly turn_id?: string | undefined;
}

/** An envelope whose payload was validated against its type's schema. */
export type EventOf<T extends EventType> = EnvelopeFields & { readonly type: T; readonly payload: EventPayloads[T] };

/** Any validated envelope: a known type with its typed payload, or an unknown (newer) type as is. */
export type AnyEvent =
  | { [T in EventType]: EventOf<T> }[EventType]
  | (EnvelopeFields & { readonly payload: Envelope['payload'] });

function firstIssue(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.') || '(root)';
  return `${path}: ${issue.message}`;
}

/**
 * Validates one frame: the envelope (`safeParse`), then the payload of a known type. An event
 * type this client does not know passes with its generic payload (newer servers may add types).
 * `CANVAS_READY` also moves the stream's position (its `cursor`).
 */
export function parseEnvelope(json: unknown, frame: SseFrame): FrameParse<AnyEvent> {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, message: `envelope ${firstIssue(envelope.error)}` };
  const type = envelope.data.type;
  if (frame.event !== undefined && frame.event !== type) {
    return { ok: false, message: `event: ${frame.event} does not match the envelope type ${type}` };
  }
  if (!Object.hasOwn(EVENT_PAYLOAD_SCHEMAS, type)) return { ok: true, event: envelope.data };
  const schema = EVENT_PAYLOAD_SCHEMAS[type as EventType];
  const payload = schema.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, message: `${type} payload.${firstIssue(payload.error)}` };
  const event = { ...envelope.data, payload: payload.data } as AnyEvent;
  if (type === 'stream_closed') {
    const closed = payload.data as EventPayloads['stream_closed'];
    const closing =
      closed.retry_after_ms !== undefined
        ? { reason: closed.reason, retryAfterMs: closed.retry_after_ms }
        : { reason: closed.reason };
    return { ok: true, event, closing };
  }
  if (type === 'CANVAS_READY') {
    const ready = payload.data as CanvasReadyPayload;
    return { ok: true, event, ready: { cursor: ready.cursor, reset: ready.reset } };
  }
  return { ok: true, event };
}
