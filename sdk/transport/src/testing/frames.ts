import type { CanvasScope, CanvasTypeManifest, JsonValue } from '@easel/schemas';
import * as Y from 'yjs';
import { bytesToBase64 } from '../lib/base64.ts';
import { ulid } from '../lib/ulid.ts';

/** Builders of the SSE text a gateway sends, for in-memory tests. */

export const TEST_SCOPE: CanvasScope = {
  tenant_id: 'acme',
  project_id: 'demo',
  app_id: 'studio',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'c1',
};

export const TEST_MANIFEST: CanvasTypeManifest = {
  type: 'board',
  version: '1.0.0',
  title: 'Board',
  roots: { notes: 'map', layout: 'map', items: 'array', body: 'text' },
  tokens: {
    'plan.title': { type: 'string', default: '' },
    'style.color': { type: 'color', default: '#000000' },
  },
  tools: [],
};

export const EPOCH = 'epochaaa1';
export const OTHER_EPOCH = 'epochbbb2';

export function cursorOf(seq: number, epoch = EPOCH): string {
  return `${epoch}-${seq}`;
}

let clock = 1_700_000_000_000;
let seed = 1;
function nextRandom(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

export interface EnvelopeExtras {
  durable?: boolean;
  causation_id?: string;
  scope?: CanvasScope;
}

export function envelope(type: string, payload: Record<string, unknown>, extras: EnvelopeExtras = {}) {
  clock += 1;
  return {
    v: 1,
    event_id: ulid(clock, nextRandom),
    type,
    timestamp: new Date(clock).toISOString(),
    scope: extras.scope ?? TEST_SCOPE,
    actor: { id: 'someone', kind: 'human' },
    durable: extras.durable ?? type !== 'CANVAS_READY',
    ...(extras.causation_id !== undefined ? { causation_id: extras.causation_id } : {}),
    payload,
  };
}

/** One SSE frame: `id:` only for durable events. */
export function frame(
  type: string,
  payload: Record<string, unknown>,
  cursor: string | null,
  extras?: EnvelopeExtras,
): string {
  const env = envelope(type, payload, { durable: cursor !== null, ...extras });
  return `${cursor !== null ? `id: ${cursor}\n` : ''}event: ${type}\ndata: ${JSON.stringify(env)}\n\n`;
}

export interface ReadyOptions {
  cursor?: string | null;
  revision?: number;
  reset?: boolean;
  snapshot?: { update?: Uint8Array; state?: Record<string, JsonValue>; tokens?: Record<string, JsonValue> } | null;
  manifest?: CanvasTypeManifest;
}

export function readyFrame(options: ReadyOptions = {}): string {
  const snapshot =
    options.snapshot === null
      ? undefined
      : {
          tokens: options.snapshot?.tokens ?? { 'plan.title': '', 'style.color': '#000000' },
          ...(options.snapshot?.update ? { update: bytesToBase64(options.snapshot.update) } : {}),
          ...(options.snapshot?.state ? { state: options.snapshot.state } : {}),
        };
  if (snapshot && !snapshot.update && !snapshot.state) {
    Object.assign(snapshot, { update: bytesToBase64(Y.encodeStateAsUpdate(new Y.Doc())) });
  }
  return frame(
    'CANVAS_READY',
    {
      canvas_id: TEST_SCOPE.canvas_id,
      canvas_type: 'board',
      manifest: options.manifest ?? TEST_MANIFEST,
      revision: options.revision ?? 0,
      cursor: options.cursor === undefined ? cursorOf(1) : options.cursor,
      reset: options.reset ?? false,
      ...(snapshot ? { snapshot } : {}),
    },
    null,
  );
}

export function tokenPatch(
  tokenId: string,
  value: JsonValue,
  revision: number,
  cursor: string,
  extras?: EnvelopeExtras,
) {
  return frame('token_patch', { token_id: tokenId, op: 'set', value, revision }, cursor, extras);
}

export function statePatch(
  update: Uint8Array,
  roots: string[],
  revision: number,
  cursor: string,
  extras?: EnvelopeExtras,
) {
  return frame('state_patch', { roots, revision, update: bytesToBase64(update) }, cursor, extras);
}

/** A `state_patch` envelope (parsed, as the mirror receives it) carrying `update`. */
export function statePatchEvent(update: Uint8Array, revision: number, roots: string[] = ['notes']) {
  return envelope('state_patch', { roots, revision, update: bytesToBase64(update) });
}

/** A Yjs update built on a doc holding `base` (so it is a diff over it). */
export function updateOn(base: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(base);
  base.transact(() => edit(base));
  return Y.encodeStateAsUpdate(base, before);
}

/**
 * Paint first in two frames (gateway `?paint=state`, WIRE-NOTES): CANVAS_READY with the JSON
 * `state` and `update_follows: true`, then the CANVAS_READY_UPDATE carrying `update`.
 */
export function splitReadyFrames(options: {
  update: Uint8Array;
  state: Record<string, JsonValue>;
  revision: number;
  cursor: string | null;
  reset?: boolean;
  tokens?: Record<string, JsonValue>;
}): { ready: string; update: string } {
  const ready = frame(
    'CANVAS_READY',
    {
      canvas_id: TEST_SCOPE.canvas_id,
      canvas_type: 'board',
      manifest: TEST_MANIFEST,
      revision: options.revision,
      cursor: options.cursor,
      reset: options.reset ?? false,
      snapshot: { state: options.state, tokens: options.tokens ?? {}, update_follows: true },
    },
    null,
  );
  const update = frame(
    'CANVAS_READY_UPDATE',
    { canvas_id: TEST_SCOPE.canvas_id, revision: options.revision, update: bytesToBase64(options.update) },
    null,
  );
  return { ready, update };
}

/** The two paint-first frames of `server`'s snapshot at `revision` (cursor `cursorOf(revision)`); `state` gives its JSON. */
export function docReadyFrames(
  server: Y.Doc,
  revision: number,
  state: (doc: Y.Doc) => Record<string, JsonValue>,
): { ready: string; update: string } {
  return splitReadyFrames({
    update: Y.encodeStateAsUpdate(server),
    state: state(server),
    revision,
    cursor: cursorOf(revision),
  });
}
