import type { RootKind } from '@easel/schemas';
import * as Y from 'yjs';

/** Creates (or returns) the root type `name` of `doc` with the Yjs class of its declared kind. */
export function ensureRoot(doc: Y.Doc, name: string, kind: RootKind): Y.AbstractType<unknown> {
  switch (kind) {
    case 'map':
      return doc.getMap(name) as Y.AbstractType<unknown>;
    case 'array':
      return doc.getArray(name) as Y.AbstractType<unknown>;
    case 'text':
      return doc.getText(name) as Y.AbstractType<unknown>;
    case 'xml':
      return doc.getXmlFragment(name) as Y.AbstractType<unknown>;
  }
}

/** Creates every declared root of a manifest in `doc`. */
export function ensureRoots(doc: Y.Doc, roots: Readonly<Record<string, RootKind>>): void {
  for (const [name, kind] of Object.entries(roots)) ensureRoot(doc, name, kind);
}

/** The JSON projection of one root: maps and arrays as JSON, text and xml as strings. */
export function rootJson(doc: Y.Doc, name: string, kind: RootKind): unknown {
  return ensureRoot(doc, name, kind).toJSON();
}

/** The root type that (transitively) contains `type`; `type` itself when it is a root. */
export function rootTypeOf(type: Y.AbstractType<unknown>): Y.AbstractType<unknown> {
  let current = type;
  // Bounded by the nesting depth of the document.
  for (;;) {
    const item = current._item;
    if (item === null) return current;
    const parent = item.parent;
    if (!(parent instanceof Y.AbstractType)) return current;
    current = parent as Y.AbstractType<unknown>;
  }
}

/** Name of a root type of `doc`, or null when `type` is not one of its roots. */
export function rootNameOf(doc: Y.Doc, type: Y.AbstractType<unknown>): string | null {
  for (const [name, value] of doc.share) if (value === type) return name;
  return null;
}

/**
 * Where an integrated item of the server doc lives: the name of its root, and whether it sits
 * directly in that root (then `parentSub` is its map key, or null in a list).
 */
export interface Placement {
  readonly root: string;
  readonly direct: boolean;
  readonly sub: string | null;
  /** Its parent type is a Y.Map nested inside the root (`sub` is then a key of that map). */
  readonly inMap: boolean;
}

/** Resolves root names of integrated types, memoized per type (roots never change for a type). */
export class RootResolver {
  private readonly names = new Map<Y.AbstractType<unknown>, string | null>();

  constructor(private readonly doc: Y.Doc) {}

  /** The root name of a type (nested or root), or null when it is not in this doc. */
  rootOfType(type: Y.AbstractType<unknown>): string | null {
    const root = rootTypeOf(type);
    let name = this.names.get(root);
    if (name === undefined) {
      name = rootNameOf(this.doc, root);
      this.names.set(root, name);
    }
    return name;
  }

  /** Placement of an integrated item (its parent is a type), or null when unknown. */
  placementOf(item: Y.Item): Placement | null {
    const parent = item.parent;
    if (!(parent instanceof Y.AbstractType)) return null;
    const root = this.rootOfType(parent as Y.AbstractType<unknown>);
    if (root === null) return null;
    const direct = parent._item === null;
    return { root, direct, sub: item.parentSub, inMap: !direct && parent instanceof Y.Map };
  }
}
