import type { Actor, CanvasReadyPayload, Envelope, EventPayloads, EventType, Scope } from '@easel/schemas';
import { EVENT_PAYLOAD_GUARDS, envelopeGuard } from '@easel/schemas/guards';
import {
  type Parser,
  type SchemasModule,
  type ValidationMode,
  describeIssues,
  loadSchemas,
} from '../lib/validation.ts';
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

/** Validates frames with these parsers (guards, or the zod schemas in `full` mode). */
export type EnvelopeParsers = {
  readonly envelope: Parser<Envelope>;
  readonly payloads: { readonly [T in EventType]: Parser<unknown> };
};

/**
 * Validates one frame: the envelope, then the payload of a known type, with the generated guards
 * (what the zod schemas accept, without zod). An event type this client does not know passes with
 * its generic payload (newer servers may add types). `CANVAS_READY` also moves the stream's
 * position (its `cursor`).
 */
export function parseEnvelope(json: unknown, frame: SseFrame): FrameParse<AnyEvent> {
  return parseFrame({ envelope: envelopeGuard, payloads: EVENT_PAYLOAD_GUARDS }, json, frame, true);
}

/** {@link parseEnvelope} with the zod schemas (`validate: 'full'`). */
export function zodEnvelopeParser(schemas: SchemasModule): (json: unknown, frame: SseFrame) => FrameParse<AnyEvent> {
  const parsers: EnvelopeParsers = { envelope: schemas.envelopeSchema, payloads: schemas.EVENT_PAYLOAD_SCHEMAS };
  return (json, frame) => parseFrame(parsers, json, frame);
}

/**
 * With `paintState`, a CANVAS_READY snapshot's `state` beside (or ahead of) its `update` (paint first) is checked
 * to be an object but not walked: it is `JSON.parse` output (JSON by construction), only painted
 * until `update` — validated as always, and the truth — is applied. Walking 10k blocks with the
 * JSON-value guard cost 40–60 ms cold before the first paint.
 */
function parseFrame(
  parsers: EnvelopeParsers,
  json: unknown,
  frame: SseFrame,
  paintState?: boolean,
): FrameParse<AnyEvent> {
  const envelope = parsers.envelope.safeParse(json);
  if (!envelope.success) return { ok: false, message: `envelope ${describeIssues(envelope.error)}` };
  const type = envelope.data.type;
  if (frame.event !== undefined && frame.event !== type) {
    return { ok: false, message: `event: ${frame.event} but envelope type is ${type}` };
  }
  if (!Object.hasOwn(parsers.payloads, type)) return { ok: true, event: envelope.data };
  let input = envelope.data.payload;
  const snap = (input as { snapshot?: { state?: unknown; update?: unknown; update_follows?: unknown } }).snapshot;
  // (`update` itself is validated below; `update_follows`: it comes in the next frame.)
  const state =
    paintState && type === 'CANVAS_READY' && (snap?.update ?? snap?.update_follows) ? snap?.state : undefined;
  const skip = typeof state === 'object' && state !== null && !Array.isArray(state);
  if (skip) input = { ...input, snapshot: { ...snap, state: {} } };
  const payload = parsers.payloads[type as EventType].safeParse(input);
  if (!payload.success) return { ok: false, message: `${type} payload.${describeIssues(payload.error)}` };
  if (skip) (payload.data as CanvasReadyPayload).snapshot!.state = state as Record<string, never>;
  const event = { ...envelope.data, payload: payload.data } as AnyEvent;
  if (type === 'stream_closed') {
    const closed = payload.data as EventPayloads['stream_closed'];
    return { ok: true, event, closing: { reason: closed.reason, retryAfterMs: closed.retry_after_ms } };
  }
  if (type === 'CANVAS_READY') {
    const ready = payload.data as CanvasReadyPayload;
    return {
      ok: true,
      event,
      ready: { cursor: ready.cursor, reset: ready.reset, follows: ready.snapshot?.update_follows },
    };
  }
  return { ok: true, event };
}

/** Parses one frame's JSON (see {@link parseEnvelope}). */
export type FrameParser<E> = (json: unknown, frame: SseFrame) => FrameParse<E>;

/**
 * The `parse` option of a reader, and in `full` mode its `prepare` (loading the zod schemas before
 * the first attempt): `build(null)` makes the guard parser, `build(schemas)` the zod one.
 */
export function frameParsing<E>(
  mode: ValidationMode | undefined,
  build: (schemas: SchemasModule | null) => FrameParser<E>,
): { parse: FrameParser<E>; prepare?: () => Promise<unknown> } {
  if (mode !== 'full') return { parse: build(null) };
  let parse: FrameParser<E> | null = null;
  return {
    parse: (json, frame) => (parse ? parse(json, frame) : { ok: false, message: 'the zod schemas are not loaded' }),
    prepare: async () => {
      parse ??= build(await loadSchemas());
    },
  };
}

/** Envelope parsing for a reader in `mode`. */
export function envelopeParsing(mode: ValidationMode | undefined) {
  return frameParsing(mode, (schemas) => (schemas ? zodEnvelopeParser(schemas) : parseEnvelope));
}
