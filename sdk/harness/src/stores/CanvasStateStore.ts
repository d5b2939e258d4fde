import type { JsonValue } from '@easel/schemas';
import type { CanvasTransport } from '@easel/transport';
import type * as Y from 'yjs';

type State = Readonly<Record<string, JsonValue>>;
const EMPTY: State = Object.freeze({});

function rootJson(doc: Y.Doc, name: string, kind: string): JsonValue {
  if (kind === 'map') return doc.getMap(name).toJSON() as JsonValue;
  if (kind === 'array') return doc.getArray(name).toJSON() as JsonValue;
  if (kind === 'text') return doc.getText(name).toString();
  return doc.getXmlFragment(name).toString();
}

/** A root missing from a JSON projection reads as its kind's empty value (as an empty document root does). */
function emptyRoot(kind: string): JsonValue {
  return kind === 'map' ? {} : kind === 'array' ? [] : '';
}

function rootsKey(manifest: { readonly roots: Readonly<Record<string, string>> } | null): string | null {
  return manifest === null ? null : JSON.stringify(manifest.roots);
}

/** The root names a transaction touched (walking nested types up to their root). */
// biome-ignore lint/suspicious/noExplicitAny: Yjs types are invariant in their event type
type AnyType = Y.AbstractType<any>;

function touchedRoots(doc: Y.Doc, tr: Y.Transaction): Set<string> | null {
  const roots = new Set<AnyType>();
  for (const type of tr.changed.keys()) {
    let current: AnyType = type;
    for (let depth = 0; depth < 1000 && current._item !== null; depth++) {
      current = current._item.parent as AnyType;
    }
    roots.add(current);
  }
  const names = new Set<string>();
  for (const [name, type] of doc.share) if (roots.has(type)) names.add(name);
  return names.size === roots.size ? names : null;
}

/**
 * The JSON projection of the canvas's declared roots, for `useSyncExternalStore`. Recomputed
 * lazily after document updates, root by root (untouched roots keep their object identity), and
 * identical between updates.
 *
 * Paint first: while the transport has not decoded the snapshot into its document yet
 * (`transport.stateJson` is set), the state is that JSON, as the gateway sent it. Once the
 * document holds it (`onHydrated`) the store follows the document, keeping every root object it
 * had (the document's JSON is the same), so nothing re-renders for the switch; only what changes
 * after (a `state_patch` that forced the decoding, a local edit) is recomputed from the document.
 */
export class CanvasStateStore {
  readonly #transport: CanvasTransport;
  readonly #listeners = new Set<() => void>();
  #snapshot: State = EMPTY;
  /** null: every root is stale. */
  #stale: Set<string> | null = null;
  #dirty = true;
  /** The manifest roots (as JSON) the snapshot was computed for: a CANVAS_READY with the same ones changes nothing here. */
  #roots: string | null = null;
  /** The snapshot was computed from `transport.stateJson` (and nothing invalidated it since). */
  #projected = false;

  constructor(transport: CanvasTransport) {
    this.#transport = transport;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  };

  readonly getSnapshot = (): State => {
    if (!this.#dirty) return this.#snapshot;
    this.#dirty = false;
    const manifest = this.#transport.manifest;
    this.#roots = rootsKey(manifest);
    if (manifest === null) {
      this.#snapshot = EMPTY;
      this.#stale = null;
      return this.#snapshot;
    }
    const json = this.#transport.stateJson;
    this.#projected = json !== null;
    const previous = this.#snapshot;
    const next: Record<string, JsonValue> = {};
    let changed = false;
    if (json !== null) {
      // Not decoded yet: the snapshot's JSON, root objects as sent (reading `doc` would decode it).
      for (const [name, kind] of Object.entries(manifest.roots)) {
        const value = Object.hasOwn(json, name) ? json[name]! : emptyRoot(kind);
        next[name] = value;
        if (previous[name] !== value) changed = true;
      }
    } else {
      const doc = this.#transport.doc;
      for (const [name, kind] of Object.entries(manifest.roots)) {
        const keep = this.#stale !== null && !this.#stale.has(name) && Object.hasOwn(previous, name);
        next[name] = keep ? previous[name]! : rootJson(doc, name, kind);
        if (!keep) changed = true;
      }
    }
    if (Object.keys(previous).length !== Object.keys(next).length) changed = true;
    this.#stale = new Set();
    if (changed) this.#snapshot = Object.freeze(next);
    return this.#snapshot;
  };

  /** Follows the transport's document (and its replacements); returns the stop. */
  start(): () => void {
    const transport = this.#transport;
    let detach = () => {};
    const follow = (doc: Y.Doc | null) => {
      detach();
      detach = doc ? this.#attach(doc) : () => {};
    };
    // Reading `doc` while the snapshot waits to be decoded would decode it at once: follow it later.
    follow(transport.stateJson === null ? transport.doc : null);
    const offDoc = transport.onDoc((doc) => {
      follow(doc);
      this.#invalidate(null);
    });
    // The document's own transactions (and replacements) invalidate what they touch; CANVAS_READY
    // adds a change only when it declares other roots (recomputing a 10k-block root twice on
    // the first snapshot would double its cost), or when it is painted from its JSON first.
    const offReady = transport.onReady(() => {
      const painting = transport.stateJson !== null;
      if (painting) follow(null); // the decoding's own transaction must not recompute the roots
      if (painting || rootsKey(transport.manifest) !== this.#roots) this.#invalidate(null);
    });
    const offHydrated = transport.onHydrated(() => {
      const same = this.#projected && !this.#dirty && transport.view === 'full';
      follow(transport.doc);
      if (same) this.#stale = new Set(); // the document's JSON is the one shown: keep every root
      this.#invalidate(same ? new Set() : null);
    });
    this.#invalidate(null);
    return () => {
      detach();
      offDoc();
      offReady();
      offHydrated();
    };
  }

  #attach(doc: Y.Doc): () => void {
    const onTransaction = (tr: Y.Transaction) => {
      if (tr.changed.size === 0) return;
      this.#invalidate(touchedRoots(doc, tr));
    };
    doc.on('afterTransaction', onTransaction);
    return () => doc.off('afterTransaction', onTransaction);
  }

  #invalidate(roots: Set<string> | null): void {
    if (roots === null || this.#stale === null) this.#stale = null;
    else for (const root of roots) this.#stale.add(root);
    this.#dirty = true;
    for (const listener of [...this.#listeners]) listener();
  }
}
