import { randomBytes } from 'node:crypto';
import type { JsonValue, RootKind } from '@easel/schemas';
import type * as Y from 'yjs';
import { MAX_VIEWS_PER_DOC, RevisionCache } from './RevisionCache.ts';
import { ALL_ROOTS, type RootView } from './rootView.ts';
import { rootJson } from './yRoots.ts';

/** States whose JSON text is at least this long are kept until their document changes. */
const CACHE_MIN_CHARS = 64 * 1024;

interface Cached {
  readonly state: Record<string, JsonValue>;
  readonly text: string;
  /** The text as UTF-8, built on first ask. */
  bytes: Buffer | null;
}

const byDoc = new RevisionCache<Cached>(MAX_VIEWS_PER_DOC);
const byState = new WeakMap<object, Cached>();

/**
 * The JSON of every root of `doc` that `view` reads (CANVAS_READY `snapshot.state` on a
 * `?paint=state` stream; `GET /v1/canvases/{id}` `state`), in manifest order: every root for
 * {@link ALL_ROOTS} (the default). Like `fullSnapshot`, a large state is built once per view and
 * reused by every stream and read of that view that comes before the document's next
 * transaction (at most `MAX_VIEWS_PER_DOC` views per document, oldest dropped first), and its
 * JSON text is kept with it ({@link cachedJsonText}, {@link cachedJsonBytes}), so a frame or
 * answer splices the text (or writes its bytes) instead of serializing the state again. The
 * state is shared: read-only.
 */
export function fullState(
  doc: Y.Doc,
  roots: Readonly<Record<string, RootKind>>,
  view: RootView = ALL_ROOTS,
): Record<string, JsonValue> {
  const cached = byDoc.get(doc, view.key);
  if (cached !== undefined) return cached.state;
  const state: Record<string, JsonValue> = {};
  for (const [name, kind] of Object.entries(roots)) {
    if (view.canRead(name)) state[name] = rootJson(doc, name, kind) as JsonValue;
  }
  const text = JSON.stringify(state);
  if (text.length >= CACHE_MIN_CHARS) {
    const entry: Cached = { state, text, bytes: null };
    byDoc.set(doc, view.key, entry);
    byState.set(state, entry);
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
