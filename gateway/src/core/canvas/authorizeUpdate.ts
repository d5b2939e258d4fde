import type { RootKind } from '@easel/schemas';
import * as Y from 'yjs';
import { fail, type Result } from '../errors/GatewayError.ts';
import { MAX_JSON_DEPTH } from '../json/jsonShapeProblem.ts';
import { inspectPlainValues, type PlainValueProblem } from './inspectPlainValues.ts';
import { DeletedBy, mergeRanges } from './DeletedBy.ts';
import { type DeleteSet, decodeUpdateV1, emptyDeleteSet, type Struct } from './decodeUpdateV1.ts';
import { hasTextFields, holdsString, isTextField, textFieldStringRefusal } from './textFieldStringRefusal.ts';
import { type Placement, RootResolver } from './yRoots.ts';

/**
 * How many levels below its root content of a raw update may sit: a nested type counts one level,
 * and so does each array or object of a plain value (as `state.ops` values, whose bodies are
 * capped at {@link MAX_JSON_DEPTH} levels). Deeper content would overflow the stack of Yjs's
 * recursive `toJSON`, delete and garbage collection, and bricks the canvas.
 */
export const MAX_STATE_DEPTH = MAX_JSON_DEPTH;

/** The canvas an update is checked against. */
export interface UpdateTarget {
  /** The authoritative doc (read only here). */
  readonly doc: Y.Doc;
  /** Declared roots of the canvas's manifest. */
  readonly roots: Readonly<Record<string, RootKind>>;
  /** Canvas type name, for messages. */
  readonly canvasType: string;
  /**
   * The canvas's text fields (`{<root>: [key, ...]}`, manifest `text_fields`): a plain string
   * set under one of these keys of a Y.Map nested in the root is refused. Absent or empty: no
   * text-field check (no extra work).
   */
  readonly textFields?: Readonly<Record<string, readonly string[]>>;
}

/** What an authorized update touches. */
export interface UpdateAuthorization {
  /** Roots the update inserts into or deletes from (sorted). */
  readonly roots: readonly string[];
}

const RESYNC = 'the update depends on items this canvas does not have; resync';

/** A resolution: the placements an item may end up in (empty = it becomes garbage), or an error. */
type Resolution = { ok: true; placements: readonly Placement[] } | { ok: false; message: string };

const GARBAGE: Resolution = { ok: true, placements: [] };

/** Structs of the update, per client, sorted by clock, for lookups by ID. */
class UpdateIndex {
  readonly byClient = new Map<number, Struct[]>();

  constructor(structs: readonly Struct[]) {
    for (const s of structs) {
      let list = this.byClient.get(s.id.client);
      if (!list) {
        list = [];
        this.byClient.set(s.id.client, list);
      }
      list.push(s);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  /** The struct covering `clock` of `client`, or null. */
  find(client: number, clock: number): Struct | null {
    const list = this.byClient.get(client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid]!;
      if (clock < s.id.clock) hi = mid - 1;
      else if (clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return null;
  }
}

/**
 * Authorizes a raw Yjs (v1) update against a canvas doc and a write check, before anything is
 * applied (contract §5 `state.update`, §6). Every new item is followed to its root — through an
 * explicit root name, a parent type item, or the sibling it was inserted next to (origin /
 * right origin), found in the update itself or in the server doc — and every delete range is
 * checked against the items it would newly delete. Never throws.
 *
 * - 400 `validation_failed`: not a Yjs v1 update; an empty update (no structs, no deletes: what
 *   v2 bytes read as v1 look like); trailing bytes after the delete set; a reference that cannot
 *   be resolved (missing dependency, gap, Skip struct, cycle); a root the canvas type does not
 *   declare (own names only: `constructor` is not declared by `{}`); an item directly under a
 *   `map` root without a key, or under an `array`/`xml` root with one; subdocuments.
 * - 403 `forbidden`: a touched root the writer may not write (the first such root is named).
 * - 400 `validation_failed` (after those): content nested more than {@link MAX_STATE_DEPTH}
 *   levels below its root (types through the update and the doc, plus the arrays and objects of
 *   plain values); a `__proto__` map or object key; a plain string set under a key of
 *   `target.textFields` in a Y.Map nested in the root, or held under such a key by a plain object
 *   (at any depth of it) inside the root (WIRE-NOTES "Text fields"; a Y.Text is expected there).
 *   Found through the same placements.
 *
 * Text roots accept keyed items (Y.Text attributes).
 */
export function authorizeUpdate(
  target: UpdateTarget,
  canWriteRoot: (root: string) => boolean,
  update: Uint8Array,
): Result<UpdateAuthorization> {
  let decoded: { structs: Struct[]; ds: DeleteSet; rest: number };
  try {
    decoded = decodeUpdateV1(update);
  } catch {
    return fail('validation_failed', 'payload.update: not a valid Yjs update (v1 encoding expected)');
  }
  if (decoded.structs.length === 0 && emptyDeleteSet(decoded.ds)) {
    return fail(
      'validation_failed',
      "state.update: the update is empty (nothing to apply); send a Yjs v1 update (Y.encodeStateAsUpdate / the 'update' event), not v2",
    );
  }
  if (decoded.rest > 0) {
    return fail(
      'validation_failed',
      `state.update: ${decoded.rest} trailing bytes after the update; send exactly one Yjs v1 update`,
      { trailing_bytes: decoded.rest },
    );
  }
  const { doc } = target;
  const store = doc.store;
  const resolver = new RootResolver(doc);
  const index = new UpdateIndex(decoded.structs);
  const touched = new Map<string, Placement[]>();
  const add = (p: Placement) => {
    const list = touched.get(p.root);
    if (list) list.push(p);
    else touched.set(p.root, [p]);
  };

  // Gaps: each client's structs must start at or below what the server already has.
  for (const [client, list] of index.byClient) {
    const first = list[0]!;
    if (first.id.clock > Y.getState(store, client)) return fail('validation_failed', RESYNC, { client });
  }

  const serverStruct = (client: number, clock: number): Y.Item | Y.GC | null => {
    if (clock >= Y.getState(store, client)) return null;
    const structs = store.clients.get(client);
    if (!structs) return null;
    return structs[Y.findIndexSS(structs, clock)] ?? null;
  };

  const memo = new Map<Y.Item, Resolution>();
  const resolveItem = (start: Y.Item): Resolution => resolveIterative(start, memo, index, serverStruct, resolver);
  const textFields = hasTextFields(target.textFields) ? target.textFields : null;
  let textFieldHit: Placement | null = null;
  let objectTextFieldHit: { root: string; key: string } | null = null;
  let shapeProblem: Result<never> | null = null;
  let deletedHere: DeletedBy | null = null;
  const deletedInUpdate = (s: Y.Item): boolean => {
    deletedHere ??= new DeletedBy(decoded.ds);
    return deletedHere.has(s.id.client, s.id.clock, s.length);
  };
  const keySets = new Map<string, ReadonlySet<string> | null>();
  const textKeysOf = (root: string): ReadonlySet<string> | null => {
    if (textFields === null || !Object.hasOwn(textFields, root)) return null;
    let keys = keySets.get(root);
    if (keys === undefined) {
      keys = new Set(textFields[root]);
      keySets.set(root, keys);
    }
    return keys;
  };

  for (const s of decoded.structs) {
    if (s instanceof Y.Skip) return fail('validation_failed', `${RESYNC} (the update has gaps)`);
    if (!(s instanceof Y.Item)) continue; // GC structs carry no content and no parent.
    if (s.id.clock + s.length <= Y.getState(store, s.id.client)) continue; // already integrated: ignored by Yjs
    if (s.content instanceof Y.ContentDoc)
      return fail('validation_failed', 'subdocuments are not supported in canvas state');
    const r = resolveItem(s);
    if (!r.ok) return fail('validation_failed', r.message);
    for (const p of r.placements) add(p);
    if (shapeProblem === null) {
      for (const p of r.placements) {
        if (s.parentSub === '__proto__') {
          shapeProblem = fail(
            'validation_failed',
            `state.update: root '${p.root}': "__proto__" is not allowed as a map key; rename the field`,
            { root: p.root, key: '__proto__' },
          );
          break;
        }
        const levels = MAX_STATE_DEPTH - p.depth;
        if (s.content instanceof Y.ContentType) {
          if (levels < 1) shapeProblem = tooDeep(p.root);
        } else {
          const values = plainValues(s.content);
          if (values === null) continue;
          const found = inspectPlainValues(values, levels, textKeysOf(p.root));
          if (found !== null) {
            if (found.kind !== 'text_field') shapeProblem = plainValueRefusal(found, p.root);
            else if (objectTextFieldHit === null && !deletedInUpdate(s))
              objectTextFieldHit = { root: p.root, key: found.key };
          }
        }
        if (shapeProblem !== null) break;
      }
    }
    if (textFields !== null && textFieldHit === null && holdsString(s.content)) {
      const hit = r.placements.find((p) => isTextField(textFields, p));
      // An item this update deletes again never shows (e.g. a merged update that replaced it).
      if (hit !== undefined && !deletedInUpdate(s)) textFieldHit = hit;
    }
  }

  // Deletes: every id must exist (server doc or this update); live server items count as touched.
  for (const [client, items] of decoded.ds.clients) {
    const ranges = mergeRanges(items);
    const state = Y.getState(store, client);
    const structs = store.clients.get(client);
    const updList = index.byClient.get(client);
    for (const [clock, end] of ranges) {
      if (clock < state && structs) {
        const stop = Math.min(end, state);
        for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
          const struct = structs[i]!;
          if (struct.id.clock >= stop) break;
          if (struct instanceof Y.Item && !struct.deleted) {
            const p = resolver.placementOf(struct);
            if (p) add(p);
          }
        }
      }
      if (end > state) {
        const from = Math.max(clock, state);
        const last = updList?.[updList.length - 1];
        const covered =
          updList !== undefined &&
          last !== undefined &&
          updList[0]!.id.clock <= from &&
          end <= last.id.clock + last.length;
        if (!covered) return fail('validation_failed', RESYNC, { client, clock: from });
      }
    }
  }

  const roots = [...touched.keys()].sort();
  for (const root of roots) {
    const kind = Object.hasOwn(target.roots, root) ? target.roots[root] : undefined;
    if (kind === undefined) {
      return fail('validation_failed', `root '${root}' is not declared by canvas type '${target.canvasType}'`, {
        root,
        declared: Object.keys(target.roots),
      });
    }
    for (const p of touched.get(root)!) {
      if (!p.direct) continue;
      if (kind === 'map' && p.sub === null) {
        return fail('validation_failed', `root '${root}' is a map: items directly under it need a key`, { root, kind });
      }
      if ((kind === 'array' || kind === 'xml') && p.sub !== null) {
        return fail(
          'validation_failed',
          `root '${root}' is ${kind === 'array' ? 'an array' : 'xml'}: items directly under it take no key`,
          {
            root,
            kind,
          },
        );
      }
    }
  }
  for (const root of roots) {
    if (!canWriteRoot(root)) return fail('forbidden', `your roles may not write root '${root}'`, { root });
  }
  if (shapeProblem !== null) return shapeProblem;
  if (textFieldHit !== null) return textFieldStringRefusal(target.canvasType, textFieldHit.root, textFieldHit.sub!);
  if (objectTextFieldHit !== null) {
    const { root, key } = objectTextFieldHit;
    return fail(
      'validation_failed',
      `state.update: ${root}[…].${key} is a text field of canvas type '${target.canvasType}'; a plain object may not hold it as a string: insert a Y.Map holding a Y.Text`,
      { root, key },
    );
  }
  return { ok: true, value: { roots } };
}

function tooDeep(root: string): Result<never> {
  return fail(
    'validation_failed',
    `state.update: root '${root}' would hold content nested deeper than ${MAX_STATE_DEPTH} levels; flatten it`,
    { root, max_depth: MAX_STATE_DEPTH },
  );
}

function plainValueRefusal(problem: PlainValueProblem, root: string): Result<never> {
  if (problem.kind === 'too_deep') return tooDeep(root);
  return fail(
    'validation_failed',
    `state.update: root '${root}': "__proto__" is not allowed as an object key; rename the field`,
    { root, key: '__proto__' },
  );
}

/** The plain (JSON-like) values an item's content carries, or null when it carries none. */
function plainValues(content: Y.Item['content']): readonly unknown[] | null {
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) return content.arr as unknown[];
  if (content instanceof Y.ContentEmbed) return [content.embed];
  if (content instanceof Y.ContentFormat) return [content.value];
  return null;
}

type Ref =
  | { kind: 'done'; resolution: Resolution }
  /** An update item; `asParent`: the ref is the item's parent type (children sit inside it). */
  | { kind: 'item'; item: Y.Item; asParent: boolean };

/** What an update item's placement depends on, following Yjs's `Item.getMissing`. */
function refsOf(
  item: Y.Item,
  index: UpdateIndex,
  serverStruct: (client: number, clock: number) => Y.Item | Y.GC | null,
  resolver: RootResolver,
): Ref[] {
  const parent = item.parent as unknown;
  if (typeof parent === 'string') {
    return [
      {
        kind: 'done',
        resolution: {
          ok: true,
          placements: [{ root: parent, direct: true, sub: item.parentSub, inMap: false, depth: 0 }],
        },
      },
    ];
  }
  const lookup = (id: Y.ID, asParent: boolean): Ref => {
    const server = serverStruct(id.client, id.clock);
    if (server) {
      if (!(server instanceof Y.Item)) return { kind: 'done', resolution: GARBAGE };
      if (asParent) {
        if (!(server.content instanceof Y.ContentType)) return { kind: 'done', resolution: GARBAGE };
        const type = server.content.type as Y.AbstractType<unknown>;
        const root = resolver.rootOfType(type);
        if (root === null) return { kind: 'done', resolution: { ok: false, message: RESYNC } };
        const inMap = type instanceof Y.Map;
        const depth = resolver.depthOfType(type);
        return {
          kind: 'done',
          resolution: { ok: true, placements: [{ root, direct: false, sub: item.parentSub, inMap, depth }] },
        };
      }
      const p = resolver.placementOf(server);
      return { kind: 'done', resolution: p ? { ok: true, placements: [p] } : { ok: false, message: RESYNC } };
    }
    const own = index.find(id.client, id.clock);
    // Yjs integrates a client's structs in clock order: a same-client reference must point back.
    if (!own || (id.client === item.id.client && id.clock >= item.id.clock)) {
      return { kind: 'done', resolution: { ok: false, message: RESYNC } };
    }
    if (own instanceof Y.Skip) return { kind: 'done', resolution: { ok: false, message: RESYNC } };
    if (!(own instanceof Y.Item)) return { kind: 'done', resolution: GARBAGE };
    if (asParent && !(own.content instanceof Y.ContentType)) return { kind: 'done', resolution: GARBAGE };
    return { kind: 'item', item: own, asParent };
  };
  if (parent instanceof Y.ID) return [lookup(parent, true)];
  const refs: Ref[] = [];
  if (item.origin) refs.push(lookup(item.origin, false));
  if (item.rightOrigin) refs.push(lookup(item.rightOrigin, false));
  if (refs.length === 0) return [{ kind: 'done', resolution: GARBAGE }];
  return refs;
}

/**
 * Combines the resolutions of an item's refs into its own. `parent`: the ref is the item's parent
 * type item (from the update); the item then sits inside that type, not beside it.
 */
function combine(item: Y.Item, parts: Array<{ resolution: Resolution; parent: Y.Item | null }>): Resolution {
  const placements: Placement[] = [];
  for (const { resolution, parent } of parts) {
    if (!resolution.ok) return resolution;
    const inMap = parent !== null && parent.content instanceof Y.ContentType && parent.content.type instanceof Y.Map;
    for (const p of resolution.placements) {
      placements.push(
        parent !== null ? { root: p.root, direct: false, sub: item.parentSub, inMap, depth: p.depth + 1 } : p,
      );
    }
  }
  return { ok: true, placements };
}

/** Resolves an update item's placements without recursion (chains may be long); cycles → error. */
function resolveIterative(
  start: Y.Item,
  memo: Map<Y.Item, Resolution>,
  index: UpdateIndex,
  serverStruct: (client: number, clock: number) => Y.Item | Y.GC | null,
  resolver: RootResolver,
): Resolution {
  const cached = memo.get(start);
  if (cached) return cached;
  const stack: Y.Item[] = [start];
  const onStack = new Set<Y.Item>([start]);
  const refCache = new Map<Y.Item, Ref[]>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    let refs = refCache.get(top);
    if (!refs) {
      refs = refsOf(top, index, serverStruct, resolver);
      refCache.set(top, refs);
    }
    const pending: Y.Item[] = [];
    for (const ref of refs) if (ref.kind === 'item' && !memo.has(ref.item)) pending.push(ref.item);
    if (pending.some((item) => onStack.has(item))) {
      memo.set(top, { ok: false, message: RESYNC });
    } else if (pending.length > 0) {
      for (const item of pending) {
        if (onStack.has(item)) continue;
        stack.push(item);
        onStack.add(item);
      }
      continue;
    } else {
      memo.set(
        top,
        combine(
          top,
          refs.map((ref) =>
            ref.kind === 'done'
              ? { resolution: ref.resolution, parent: null }
              : { resolution: memo.get(ref.item)!, parent: ref.asParent ? ref.item : null },
          ),
        ),
      );
    }
    stack.pop();
    onStack.delete(top);
  }
  return memo.get(start)!;
}
