import * as Y from 'yjs';

/** Base64 states at least this long are kept until their document changes; smaller ones are cheap to redo. */
const CACHE_MIN_CHARS = 64 * 1024;
/** Cached texts findable by their text ({@link cachedSnapshotBytes}) at most (oldest dropped first). */
const MAX_LIVE = 16;

interface Entry {
  readonly text: string;
  /** The text's bytes (ASCII), built on first ask. */
  bytes: Buffer | null;
}

const cache = new WeakMap<Y.Doc, Entry>();
/**
 * The cached texts, by text: streams are handed the payload, not the document. A Map lookup by a
 * string this long hashes its length only (V8) and compares the same string by identity first.
 */
const live = new Map<string, Entry>();

/**
 * The whole Yjs state of `doc` as standard base64 (CANVAS_READY `snapshot.update` for a viewer
 * who reads every root). A large state is encoded once and reused by every stream that opens
 * before the document's next transaction (page loads and reconnect storms of a big canvas would
 * otherwise encode and base64 it once per stream). Dropped on any transaction of the document,
 * and with the document.
 */
export function fullSnapshot(doc: Y.Doc): string {
  const cached = cache.get(doc);
  if (cached !== undefined) return cached.text;
  const text = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
  if (text.length >= CACHE_MIN_CHARS) {
    const entry: Entry = { text, bytes: null };
    cache.set(doc, entry);
    live.set(text, entry);
    if (live.size > MAX_LIVE) live.delete(live.keys().next().value as string);
    const drop = () => {
      cache.delete(doc);
      if (live.get(text) === entry) live.delete(text);
      doc.off('afterTransaction', drop);
      doc.off('destroy', drop);
    };
    doc.on('afterTransaction', drop);
    doc.on('destroy', drop);
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
