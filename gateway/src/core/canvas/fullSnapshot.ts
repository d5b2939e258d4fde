import * as Y from 'yjs';
import { redactedState } from './redactUpdate.ts';
import { MAX_VIEWS_PER_DOC, RevisionCache } from './RevisionCache.ts';
import { ALL_ROOTS, type RootView } from './rootView.ts';

/** Base64 states at least this long are kept until their document changes; smaller ones are cheap to redo. */
const CACHE_MIN_CHARS = 64 * 1024;
/** Cached texts findable by their text ({@link cachedSnapshotBytes}) at most (oldest dropped first). */
const MAX_LIVE = 16;

interface Entry {
  readonly text: string;
  /** The text's bytes (ASCII), built on first ask. */
  bytes: Buffer | null;
}

/**
 * The cached texts, by text: streams are handed the payload, not the document. A Map lookup by a
 * string this long hashes its length only (V8) and compares the same string by identity first.
 */
const live = new Map<string, Entry>();
const cache = new RevisionCache<Entry>(MAX_VIEWS_PER_DOC, (entry) => {
  if (live.get(entry.text) === entry) live.delete(entry.text);
});

/**
 * The Yjs state of `doc` as `view` sees it, as standard base64 (CANVAS_READY `snapshot.update`,
 * or its CANVAS_READY_UPDATE `update`): the whole state for a viewer who reads every root
 * ({@link ALL_ROOTS}, the default), else `redactedState` (items of unreadable roots as GC
 * placeholders). A large state is encoded once per view and reused by every stream of that view
 * that opens before the document's next transaction (page loads and reconnect storms of a big
 * canvas would otherwise encode and base64 it once per stream). Dropped on any transaction of
 * the document, with the document, and past {@link MAX_VIEWS_PER_DOC} views (oldest first).
 */
export function fullSnapshot(doc: Y.Doc, view: RootView = ALL_ROOTS): string {
  const cached = cache.get(doc, view.key);
  if (cached !== undefined) return cached.text;
  const state = view.all ? Y.encodeStateAsUpdate(doc) : redactedState(doc, view.canRead);
  const text = Buffer.from(state).toString('base64');
  if (text.length >= CACHE_MIN_CHARS) {
    const entry: Entry = { text, bytes: null };
    live.set(text, entry);
    if (live.size > MAX_LIVE) live.delete(live.keys().next().value as string);
    cache.set(doc, view.key, entry);
  }
  return text;
}

/**
 * The bytes of `text` (ASCII: base64) when it is a state {@link fullSnapshot} returned and still
 * caches: built once, so every stream that opens at that revision writes the same buffer instead
 * of converting the text again. Undefined for any other text (and once the document changed).
 */
export function cachedSnapshotBytes(text: string): Buffer | undefined {
  if (text.length < CACHE_MIN_CHARS) return undefined;
  const entry = live.get(text);
  if (entry === undefined) return undefined;
  entry.bytes ??= Buffer.from(entry.text, 'latin1');
  return entry.bytes;
}
