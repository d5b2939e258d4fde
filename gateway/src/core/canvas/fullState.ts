import { randomBytes } from 'node:crypto';
import type { JsonValue, RootKind } from '@easel/schemas';
import type * as Y from 'yjs';
import { rootJson } from './yRoots.ts';

/** States whose JSON text is at least this long are kept until their document changes. */
const CACHE_MIN_CHARS = 64 * 1024;

interface Cached {
  readonly state: Record<string, JsonValue>;
  readonly text: string;
}

const byDoc = new WeakMap<Y.Doc, Cached>();
const textOf = new WeakMap<object, string>();

/**
 * The JSON of every root of `doc` (CANVAS_READY `snapshot.state` for a viewer who reads every
 * root and asked for `?paint=state`; the same JSON as `GET /v1/canvases/{id}` `state`). Like
 * {@link fullSnapshot}, a large state is built once and reused by every stream that opens before
 * the document's next transaction, and its JSON text is kept with it ({@link cachedJsonText}), so
 * the CANVAS_READY frame splices the text in instead of serializing the state again.
 */
export function fullState(doc: Y.Doc, roots: Readonly<Record<string, RootKind>>): Record<string, JsonValue> {
  const cached = byDoc.get(doc);
  if (cached !== undefined) return cached.state;
  const state: Record<string, JsonValue> = {};
  for (const [name, kind] of Object.entries(roots)) state[name] = rootJson(doc, name, kind) as JsonValue;
  const text = JSON.stringify(state);
  if (text.length >= CACHE_MIN_CHARS) {
    byDoc.set(doc, { state, text });
    textOf.set(state, text);
    const drop = () => {
      byDoc.delete(doc);
      doc.off('afterTransaction', drop);
      doc.off('destroy', drop);
    };
    doc.on('afterTransaction', drop);
    doc.on('destroy', drop);
  }
  return state;
}

/** The JSON text of a state {@link fullState} returned and cached (undefined for any other value). */
export function cachedJsonText(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? textOf.get(value) : undefined;
}

/** Stands in for a cached state while the rest of a payload is serialized (NUL + a per-process nonce). */
const MARKER = `\u0000easel-state-${randomBytes(8).toString('hex')}`;
const MARKER_JSON = JSON.stringify(MARKER);

/**
 * `encode(payload)` for a CANVAS_READY payload whose `snapshot.state` came from {@link fullState}:
 * the rest is serialized with a marker in its place and the state's cached text spliced in (the
 * same JSON as serializing it, without walking a 10k-block state per stream).
 */
export function encodeWithCachedState(
  payload: { readonly snapshot?: { readonly state?: unknown } },
  encode: (payload: object) => string,
): string {
  const snapshot = payload.snapshot;
  const text = cachedJsonText(snapshot?.state);
  if (snapshot === undefined || text === undefined) return encode(payload);
  const json = encode({ ...payload, snapshot: { ...snapshot, state: MARKER } });
  const at = json.indexOf(MARKER_JSON);
  return at < 0 ? encode(payload) : json.slice(0, at) + text + json.slice(at + MARKER_JSON.length);
}
