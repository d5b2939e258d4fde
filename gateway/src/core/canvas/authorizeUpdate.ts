import type { RootKind } from '@easel/schemas';
import * as Y from 'yjs';
import { fail, type Result } from '../errors/GatewayError.ts';
import { MAX_JSON_DEPTH } from '../json/jsonShapeProblem.ts';
import { inspectPlainValues, type PlainValueProblem } from './inspectPlainValues.ts';
import { DeletedBy, mergeRanges } from './DeletedBy.ts';
import { type DeleteSet, decodeUpdateV1, emptyDeleteSet, type Struct } from './decodeUpdateV1.ts';
import { hasTextFields, holdsString, isTextField, textFieldStringRefusal } from './textFieldStringRefusal.ts';
import { RESYNC, type Resolution, resolvePlacements } from './resolvePlacements.ts';
import { UpdateIndex } from './UpdateIndex.ts';
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
  const resolveItem = (start: Y.Item): Resolution => resolvePlacements(start, memo, index, serverStruct, resolver);
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
