import type * as Y from 'yjs';

/**
 * Which roots of one document a viewer reads (its lens, as far as the document's content goes),
 * named by a key: two viewers with equal keys see the same snapshot of the document at one
 * revision, so `fullSnapshot` and `fullState` build it once for both.
 */
export interface RootView {
  /** Equal keys (one document, one revision) ⇔ the same readable roots. `*`: every root. */
  readonly key: string;
  /** Reads every root of the manifest: the whole Yjs state, not a redacted one. */
  readonly all: boolean;
  /** Whether a root (by name) is readable. */
  readonly canRead: (root: string) => boolean;
}

/** A viewer who reads every root. */
export const ALL_ROOTS: RootView = Object.freeze({ key: '*', all: true, canRead: () => true });

/**
 * The {@link RootView} of a viewer of `doc` whose lens answers `canReadRoot`: {@link ALL_ROOTS}
 * when it reads every root of the manifest (as CANVAS_READY always decided), else the readable
 * ones among the manifest's roots and the document's (`doc.share`), sorted, as the key. Every
 * item of the document lives under one of those, so the key decides the redacted snapshot.
 */
export function rootView(
  doc: Y.Doc,
  manifestRoots: Readonly<Record<string, unknown>>,
  canReadRoot: (root: string) => boolean,
): RootView {
  const names = Object.keys(manifestRoots);
  if (names.every(canReadRoot)) return ALL_ROOTS;
  const all = new Set(names);
  for (const name of doc.share.keys()) all.add(name);
  const readable = new Set([...all].filter(canReadRoot).sort());
  return Object.freeze({
    key: JSON.stringify([...readable]),
    all: false,
    canRead: (root: string) => readable.has(root),
  });
}
