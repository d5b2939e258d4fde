import {
  type ActorKind,
  type CanvasScope,
  type CanvasTypeManifest,
  EVENT_TYPES,
  type EventType,
  isDurableEvent,
  type JsonValue,
} from '@easel/schemas';
import { applyProjection, bytesToBase64, ulid } from '@easel/transport';
import * as Y from 'yjs';

/** A recorded envelope: the wire envelope (contract §4) as it came off a stream. */
export interface RecordedEnvelope {
  readonly v: 1;
  readonly event_id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly scope: CanvasScope | Omit<CanvasScope, 'canvas_id'>;
  readonly actor: { readonly id: string; readonly kind: ActorKind };
  readonly durable: boolean;
  readonly causation_id?: string;
  readonly session_id?: string;
  readonly turn_id?: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** One frame of a recording: an envelope, and how long after the previous frame it arrived. */
export interface RecordedFrame {
  readonly event: RecordedEnvelope;
  /** Milliseconds after the previous frame (default 0). Ignored with `pace: 'instant'`. */
  readonly delayMs?: number;
}

/** The scope recordings use unless told otherwise. */
export const RECORDED_SCOPE: CanvasScope = {
  tenant_id: 'demo',
  project_id: 'studio',
  app_id: 'harness',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'board-1',
};

let clock = Date.parse('2026-01-05T10:00:00.000Z');
let seed = 1;
const random = () => {
  // mulberry32: recordings built in the same order get the same ids.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * Builds an envelope for a recording: `event_id`, `timestamp` (a steady fake clock), `durable`
 * (from the event type) and a default scope and actor are filled in; `fields` overrides any.
 *
 * @example recordedEvent('chat_token', {turn_id: 't1', index: 0, text: 'Hel'}, {actor: agent})
 */
export function recordedEvent(
  type: EventType | (string & {}),
  payload: Readonly<Record<string, unknown>>,
  fields: Partial<Omit<RecordedEnvelope, 'type' | 'payload'>> = {},
): RecordedEnvelope {
  clock += 250;
  const known = Object.hasOwn(EVENT_TYPES, type);
  return {
    v: 1,
    event_id: ulid(clock, random),
    type,
    timestamp: new Date(clock).toISOString(),
    scope: RECORDED_SCOPE,
    actor: { id: 'director', kind: 'human' },
    durable: known ? isDurableEvent(type as EventType, payload) : false,
    payload,
    ...fields,
  };
}

/** The Yjs state (base64) of a JSON projection of `roots`, as a CANVAS_READY snapshot carries it. */
export function snapshotUpdate(manifest: CanvasTypeManifest, state: Readonly<Record<string, JsonValue>>): string {
  const doc = new Y.Doc();
  applyProjection(doc, state, manifest.roots, null);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return bytesToBase64(update);
}

export interface CanvasReadyInput {
  readonly manifest: CanvasTypeManifest;
  /** JSON per root (default: empty roots). */
  readonly state?: Readonly<Record<string, JsonValue>>;
  /** Token values the viewer may read, over the manifest's defaults (see `defaults`). */
  readonly tokens?: Readonly<Record<string, JsonValue>>;
  /** Start from every declared default (default true); false: only `tokens` (a partial lens's view). */
  readonly defaults?: boolean;
  readonly revision?: number;
  readonly scope?: CanvasScope;
}

/** A CANVAS_READY envelope with a full snapshot built from JSON state. */
export function canvasReady(input: CanvasReadyInput): RecordedEnvelope {
  const scope = input.scope ?? RECORDED_SCOPE;
  const tokens: Record<string, JsonValue> = {};
  if (input.defaults !== false) {
    for (const [id, decl] of Object.entries(input.manifest.tokens)) {
      if (decl.default !== undefined) tokens[id] = decl.default;
    }
  }
  Object.assign(tokens, input.tokens ?? {});
  return recordedEvent(
    'CANVAS_READY',
    {
      canvas_id: scope.canvas_id,
      canvas_type: input.manifest.type,
      manifest: input.manifest,
      revision: input.revision ?? 0,
      cursor: null,
      reset: false,
      snapshot: { update: snapshotUpdate(input.manifest, input.state ?? {}), tokens },
    },
    { scope, actor: { id: 'gateway', kind: 'service' } },
  );
}

/** An unsigned JWT-shaped token naming an actor (the recorded gateway never verifies it). */
export function recordedToken(actor: {
  id: string;
  kind?: ActorKind;
  name?: string;
  roles?: readonly string[];
  tenant?: string;
}): string {
  const enc = (value: unknown) =>
    bytesToBase64(new TextEncoder().encode(JSON.stringify(value)))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
  const claims = {
    sub: actor.id,
    tenant_id: actor.tenant ?? RECORDED_SCOPE.tenant_id,
    kind: actor.kind ?? 'human',
    roles: actor.roles ?? ['editor'],
    exp: 4_102_444_800,
    ...(actor.name !== undefined ? { name: actor.name } : {}),
  };
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.recorded`;
}
