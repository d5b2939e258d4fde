import { randomBytes } from 'node:crypto';
import type { JsonValue, RootKind } from '@easel/schemas';
import type * as Y from 'yjs';
import { rootJson } from './yRoots.ts';

/** States whose JSON text is at least this long are kept until their document changes. */
const CACHE_MIN_CHARS = 64 * 1024;

interface Cached {
  readonly state: Record<string, JsonValue>;
  readonly text: string;
  /** The text as UTF-8, built on first ask. */
  bytes: Buffer | null;
}

const byDoc = new WeakMap<Y.Doc, Cached>();
const byState = new WeakMap<object, Cached>();

/**
 * The JSON of every root of `doc` (CANVAS_READY `snapshot.state` for a viewer who reads every
 * root and asked for `?paint=state`; `GET /v1/canvases/{id}` `state` for such a viewer). Like
 * {@link fullSnapshot}, a large state is built once and reused by every stream and read that
 * comes before the document's next transaction, and its JSON text is kept with it
 * ({@link cachedJsonText}, {@link cachedJsonBytes}), so a frame or answer splices the text (or
 * writes its bytes) instead of serializing the state again. The state is shared: read-only.
 */
export function fullState(doc: Y.Doc, roots: Readonly<Record<string, RootKind>>): Record<string, JsonValue> {
  const cached = byDoc.get(doc);
  if (cached !== undefined) return cached.state;
  const state: Record<string, JsonValue> = {};
  for (const [name, kind] of Object.entries(roots)) state[name] = rootJson(doc, name, kind) as JsonValue;
  const text = JSON.stringify(state);
  if (text.length >= CACHE_MIN_CHARS) {
    const entry: Cached = { state, text, bytes: null };
    byDoc.set(doc, entry);
    byState.set(state, entry);
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
  return value !== null && typeof value === 'object' ? byState.get(value)?.text : undefined;
}

/**
 * {@link cachedJsonText} as UTF-8 bytes, built once per cached state: every stream (and read) at
 * that revision writes the same buffer. Undefined for any other value.
 */
export function cachedJsonBytes(value: unknown): Buffer | undefined {
  const entry = value !== null && typeof value === 'object' ? byState.get(value) : undefined;
  if (entry === undefined) return undefined;
  entry.bytes ??= Buffer.from(entry.text);
  return entry.bytes;
}

/** Stands in for a cached state while the rest of a value is serialized (NUL + a per-process nonce). */
const MARKER = `\u0000easel-state-${randomBytes(8).toString('hex')}`;
const MARKER_JSON = JSON.stringify(MARKER);

/**
 * `JSON.stringify(body)` for a body whose `state` may be a state {@link fullState} cached, in
 * three pieces: the JSON before the state, the state's cached bytes, the JSON after it (null
 * bytes: `head` is the whole JSON). The same text as serializing it, without walking the state.
 */
export function jsonWithCachedState(body: { readonly state?: unknown }): {
  head: string;
  bytes: Buffer | null;
  tail: string;
} {
  const bytes = cachedJsonBytes(body.state);
  if (bytes === undefined) return { head: JSON.stringify(body), bytes: null, tail: '' };
  const json = JSON.stringify({ ...body, state: MARKER });
  const at = json.indexOf(MARKER_JSON);
  if (at < 0) return { head: JSON.stringify(body), bytes: null, tail: '' };
  return { head: json.slice(0, at), bytes, tail: json.slice(at + MARKER_JSON.length) };
}
