import type * as Y from 'yjs';

/** Views (sets of readable roots) whose per-revision snapshot texts are kept per document at most. */
export const MAX_VIEWS_PER_DOC = 8;

/**
 * Values computed from one revision of a document, by key (a {@link RootView} key: one per set of
 * readable roots), kept until the document's next transaction or its destroy, at most
 * `maxPerDoc` keys per document (the oldest dropped first). Large per-revision texts
 * (`fullSnapshot`, `fullState`) live here, so a reconnect storm encodes each view once.
 */
export class RevisionCache<V> {
  readonly #docs = new WeakMap<Y.Doc, Map<string, V>>();

  /**
   * @param maxPerDoc Distinct keys kept per document (≥ 1); a new one past it drops the oldest.
   * @param onDrop Told of every value dropped (transaction, destroy or eviction).
   */
  constructor(
    private readonly maxPerDoc: number,
    private readonly onDrop?: (value: V) => void,
  ) {
    if (!Number.isInteger(maxPerDoc) || maxPerDoc < 1) throw new RangeError('maxPerDoc must be an integer ≥ 1');
  }

  /** The value kept for `key` at the document's current revision, if any. */
  get(doc: Y.Doc, key: string): V | undefined {
    return this.#docs.get(doc)?.get(key);
  }

  /** How many keys `doc` has values for now. */
  size(doc: Y.Doc): number {
    return this.#docs.get(doc)?.size ?? 0;
  }

  /** Keeps `value` for `key` until the document's next transaction (or destroy, or eviction). */
  set(doc: Y.Doc, key: string, value: V): void {
    let values = this.#docs.get(doc);
    if (values === undefined) {
      const kept = new Map<string, V>();
      values = kept;
      this.#docs.set(doc, kept);
      const drop = () => {
        if (this.#docs.get(doc) === kept) this.#docs.delete(doc);
        doc.off('afterTransaction', drop);
        doc.off('destroy', drop);
        for (const v of kept.values()) this.onDrop?.(v);
        kept.clear();
      };
      doc.on('afterTransaction', drop);
      doc.on('destroy', drop);
    }
    const previous = values.get(key);
    values.delete(key);
    values.set(key, value);
    if (previous !== undefined && previous !== value) this.onDrop?.(previous);
    while (values.size > this.maxPerDoc) {
      const [oldest, dropped] = values.entries().next().value as [string, V];
      values.delete(oldest);
      this.onDrop?.(dropped);
    }
  }
}
