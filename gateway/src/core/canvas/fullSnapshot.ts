import * as Y from 'yjs';

/** Base64 states at least this long are kept until their document changes; smaller ones are cheap to redo. */
const CACHE_MIN_CHARS = 64 * 1024;

const cache = new WeakMap<Y.Doc, string>();

/**
 * The whole Yjs state of `doc` as standard base64 (CANVAS_READY `snapshot.update` for a viewer
 * who reads every root). A large state is encoded once and reused by every stream that opens
 * before the document's next transaction (page loads and reconnect storms of a big canvas would
 * otherwise encode and base64 it once per stream). Dropped on any transaction of the document,
 * and with the document.
 */
export function fullSnapshot(doc: Y.Doc): string {
  const cached = cache.get(doc);
  if (cached !== undefined) return cached;
  const text = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
  if (text.length >= CACHE_MIN_CHARS) {
    cache.set(doc, text);
    const drop = () => {
      cache.delete(doc);
      doc.off('afterTransaction', drop);
      doc.off('destroy', drop);
    };
    doc.on('afterTransaction', drop);
    doc.on('destroy', drop);
  }
  return text;
}
