import type { RootKind } from '@easel/schemas';
import * as Y from 'yjs';
import { yJson } from './yJson.ts';

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

/**
 * The JSON projection of one root: maps and arrays as JSON, text and xml as strings. Content
 * nested deeper than `MAX_READ_DEPTH` levels reads as `DEEP_CONTENT_MARKER` (see {@link yJson}).
 */
export function rootJson(doc: Y.Doc, name: string, kind: RootKind): unknown {
  return yJson(ensureRoot(doc, name, kind));
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
  /** Nesting level of its parent type below the root (the root itself: 0). */
  readonly depth: number;
}

/** Resolves root names (and nesting levels) of integrated types, memoized per type. */
export class RootResolver {
  private readonly names = new Map<Y.AbstractType<unknown>, string | null>();
  private readonly depths = new Map<Y.AbstractType<unknown>, number>();

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

  /**
   * How many levels below its root a type sits (a root: 0). Walks `_item.parent` up (bounded by
   * the nesting of the doc), memoizing every type on the way, so many items of one deep type
   * cost one walk.
   */
  depthOfType(type: Y.AbstractType<unknown>): number {
    const chain: Y.AbstractType<unknown>[] = [];
    let current = type;
    let base = 0;
    for (;;) {
      const known = this.depths.get(current);
      if (known !== undefined) {
        base = known;
        break;
      }
      const item = current._item;
      const parent = item === null ? null : item.parent;
      if (!(parent instanceof Y.AbstractType)) {
        base = 0;
        this.depths.set(current, 0);
        break;
      }
      chain.push(current);
      current = parent as Y.AbstractType<unknown>;
    }
    for (let i = chain.length - 1; i >= 0; i--) this.depths.set(chain[i]!, base + (chain.length - i));
    return chain.length === 0 ? base : base + chain.length;
  }

  /** Placement of an integrated item (its parent is a type), or null when unknown. */
  placementOf(item: Y.Item): Placement | null {
    const parent = item.parent;
    if (!(parent instanceof Y.AbstractType)) return null;
    const type = parent as Y.AbstractType<unknown>;
    const root = this.rootOfType(type);
    if (root === null) return null;
    const direct = parent._item === null;
    return {
      root,
      direct,
      sub: item.parentSub,
      inMap: !direct && parent instanceof Y.Map,
      depth: this.depthOfType(type),
    };
  }
}
