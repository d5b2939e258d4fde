import type { JsonValue, StateOp } from '@easel/schemas';
import { fail, type GatewayError, type Result } from '../errors/GatewayError.ts';
import type { CanvasDoc } from './CanvasDoc.ts';
import { checkTextFields, textFieldRefusal } from './checkTextFields.ts';
import { illFormedStringPath, isWellFormed } from './illFormedStringPath.ts';
import { deletesInOrder } from './deepContent.ts';
import { MAX_READ_DEPTH, readValue } from './yJson.ts';
import {
  type DeepDeleteSink,
  type ListNode,
  liveList,
  liveMap,
  liveText,
  type MapNode,
  NO_TEXT_KEYS,
  overlayListOfY,
  overlayMap,
  overlayText,
  type TextKeys,
  type TextNode,
  type Val,
} from './stateNodes.ts';

type RootNode = MapNode | ListNode | TextNode;

/** The result of applying `state.ops`. */
export interface AppliedOps {
  /** The effective Yjs update of the one transaction. */
  readonly update: Uint8Array;
  /** Roots the ops address (sorted). */
  readonly roots: readonly string[];
}

/** A failure; `discard`: the doc was touched and must be rebuilt from the spine. */
export type OpsResult = { ok: true; value: AppliedOps } | { ok: false; error: GatewayError; discard?: boolean };

/**
 * Applies `state.ops` (WIRE-NOTES) as one Yjs transaction. The whole list is validated first
 * against an overlay of the doc (later ops see earlier ones), so a failing op applies nothing:
 * - 400: undeclared root, op not valid for the root's kind (map: key; array: index, move;
 *   text: index + string; xml: none), index out of range, path through a non-map; a move of an
 *   element holding content nested deeper than `MAX_READ_DEPTH` levels below the root; a value
 *   that would sit deeper than that (its own depth plus its path's);
 * - 403: a root the view may not write;
 * - 404: update/delete of a missing map key or path segment; 409: insert of an existing key.
 *
 * Text fields (manifest `text_fields`, WIRE-NOTES): in a root that declares keys, a string written
 * under such a key of an object inside the root (at any depth) is stored as a Y.Text; an `update`
 * whose path ends at such a key rewrites the Y.Text already there in place (same object, so
 * concurrent Yjs edits of it merge); any non-string value there is a 400 naming the op and key.
 */
export function applyStateOps(
  canvas: CanvasDoc,
  canWriteRoot: (root: string) => boolean,
  ops: readonly StateOp[],
): OpsResult {
  const declared = canvas.manifest.roots;
  // Own properties only: a root named `constructor` or `toString` is not declared by `{}`.
  const kindOf = (root: string) => (Object.hasOwn(declared, root) ? declared[root] : undefined);
  const roots = [...new Set(ops.map((op) => op.root))].sort();
  for (const root of roots) {
    const kind = kindOf(root);
    if (kind === undefined) {
      return fail('validation_failed', `root '${root}' is not declared by canvas type '${canvas.canvasType}'`, {
        root,
        declared: Object.keys(canvas.manifest.roots),
      });
    }
    if (kind === 'xml')
      return fail('validation_failed', `root '${root}' is xml: state.ops does not edit xml; use state.update`);
  }
  for (const root of roots)
    if (!canWriteRoot(root)) return fail('forbidden', `your roles may not write root '${root}'`, { root });
  for (let i = 0; i < ops.length; i++) {
    const formed = checkWellFormed(ops[i]!, `ops[${i}]`);
    if (!formed.ok) return formed;
  }

  const textKeysByRoot = new Map<string, TextKeys>();
  for (const root of roots) {
    const keys = Object.hasOwn(canvas.textFields, root) ? canvas.textFields[root] : undefined;
    textKeysByRoot.set(root, keys === undefined ? NO_TEXT_KEYS : new Set(keys));
  }
  const textKeysOf = (root: string): TextKeys => textKeysByRoot.get(root) ?? NO_TEXT_KEYS;

  const overlays = new Map<string, RootNode>();
  const overlayRoot = (name: string): RootNode => {
    let node = overlays.get(name);
    if (!node) {
      const kind = kindOf(name);
      const keys = textKeysOf(name);
      if (kind === 'map') node = overlayMap(canvas.doc.getMap(name), new Map(), keys);
      else if (kind === 'array') node = overlayListOfY(canvas.doc.getArray(name), keys);
      else node = overlayText(canvas.doc.getText(name).length);
      overlays.set(name, node);
    }
    return node;
  };
  const checked = runOps(ops, overlayRoot, textKeysOf);
  if (!checked.ok) return checked;

  const outcome: { failure: GatewayError | null } = { failure: null };
  // Items of deep values (written before raw updates were capped) emptied bottom up: the update
  // lists their deletes first, children first, so replaying it does not overflow Yjs's stack.
  const deep: DeepDeleteSink = [];
  const captured = canvas.transactCapturing(() => {
    const live = runOps(
      ops,
      (name) => {
        const kind = kindOf(name);
        if (kind === 'map') return liveMap(canvas.doc.getMap(name), textKeysOf(name), false, deep);
        if (kind === 'array') return liveList(canvas.doc.getArray(name), textKeysOf(name), deep);
        return liveText(canvas.doc.getText(name));
      },
      textKeysOf,
    );
    if (!live.ok) outcome.failure = live.error;
  });
  const update = captured !== null && deep.length > 0 ? deletesInOrder(captured, deep) : captured;
  if (update === null || outcome.failure !== null) {
    return {
      ok: false,
      error: outcome.failure ?? { code: 'unavailable', message: 'state.ops could not be applied; retry' },
      discard: true,
    };
  }
  return { ok: true, value: { update, roots } };
}

function runOps(
  ops: readonly StateOp[],
  rootOf: (name: string) => RootNode,
  textKeysOf: (name: string) => TextKeys,
): Result<void> {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const at = `ops[${i}]`;
    const checked = checkOpTextFields(op, at, textKeysOf(op.root));
    if (!checked.ok) return checked;
    const r = runOp(op, at, rootOf(op.root));
    if (!r.ok) return r;
  }
  return { ok: true, value: undefined };
}

/**
 * The text-field rule for one op (pure, so the overlay pass and the live pass agree): a value set
 * by a path ending at a text key must be a string; any other value written must hold strings at
 * every text key inside it.
 */
function checkOpTextFields(op: StateOp, at: string, textKeys: TextKeys): Result<void> {
  if (textKeys.size === 0 || (op.op !== 'insert' && op.op !== 'update')) return { ok: true, value: undefined };
  const last = op.op === 'update' && op.path !== undefined ? op.path[op.path.length - 1] : undefined;
  if (last !== undefined && textKeys.has(last)) {
    return typeof op.value === 'string' ? { ok: true, value: undefined } : textFieldRefusal(op.root, last, at, 'value');
  }
  return checkTextFields(op.value, textKeys, op.root, at);
}

/**
 * Strings an op writes into Yjs (its value, and a map key or path it sets) must be well-formed
 * UTF-16: Yjs stores UTF-8, so a lone surrogate would read back as U+FFFD after a restart and on
 * every other client, not as what was acknowledged.
 */
function checkWellFormed(op: StateOp, at: string): Result<void> {
  if (op.op !== 'insert' && op.op !== 'update') return { ok: true, value: undefined };
  let path: string | null = null;
  if (op.key !== undefined && !isWellFormed(op.key)) path = `${at}.key`;
  const segments = op.op === 'update' ? (op.path ?? []) : [];
  for (let j = 0; path === null && j < segments.length; j++) if (!isWellFormed(segments[j]!)) path = `${at}.path[${j}]`;
  path ??= illFormedStringPath(op.value, `${at}.value`);
  if (path === null) return { ok: true, value: undefined };
  const message = 'not well-formed UTF-16 (a lone surrogate); send valid Unicode text';
  return fail('validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });
}

function describe(root: string, key: string | number): string {
  return typeof key === 'number' ? `${root}[${key}]` : `${root}[${JSON.stringify(key)}]`;
}

function runOp(op: StateOp, at: string, node: RootNode): Result<void> {
  const root = op.root;
  if (op.op === 'insert' || op.op === 'update') {
    const tooDeep = overDeepWrite(op, at);
    if (tooDeep !== null) return tooDeep;
  }
  if (node.kind === 'map') {
    if (op.op === 'move') return fail('validation_failed', `${at}: move needs an array root; '${root}' is a map`);
    if (op.index !== undefined || op.key === undefined) {
      return fail(
        'validation_failed',
        `${at}.key: required for map root '${root}' (index is for array and text roots)`,
      );
    }
    const key = op.key;
    if (op.op === 'insert') {
      if (node.has(key)) return fail('conflict', `${at}: ${describe(root, key)} exists; use op update`, { key });
      node.set(key, op.value);
      return { ok: true, value: undefined };
    }
    if (!node.has(key)) return fail('not_found', `${at}: ${describe(root, key)} does not exist`, { key });
    if (op.op === 'delete') {
      node.delete(key);
      return { ok: true, value: undefined };
    }
    if (op.path === undefined) {
      node.set(key, op.value);
      return { ok: true, value: undefined };
    }
    return setAtPath(node.get(key)!, op.path, op.value, at, describe(root, key));
  }
  if (node.kind === 'list') {
    if (op.op === 'move') {
      const len = node.length();
      if (op.from >= len || op.to >= len) {
        return fail('validation_failed', `${at}: move from ${op.from} to ${op.to} is out of range (length ${len})`);
      }
      if (op.from === op.to) return { ok: true, value: undefined };
      // A move writes a copy: content past the depth cap (only older canvases hold it) cannot be
      // copied (Yjs copies recursively and would overflow); it can be deleted.
      if (node.holdsOverDeep(op.from)) {
        return fail(
          'validation_failed',
          `${at}: ${describe(root, op.from)} is nested deeper than ${MAX_READ_DEPTH} levels; delete it with state.ops delete instead of moving it`,
          { root, index: op.from, max_depth: MAX_READ_DEPTH },
        );
      }
      node.move(op.from, op.to);
      return { ok: true, value: undefined };
    }
    if (op.key !== undefined)
      return fail('validation_failed', `${at}.index: '${root}' is an array: address it by index, not key`);
    const len = node.length();
    if (op.op === 'insert') {
      const index = op.index ?? len;
      if (index > len)
        return fail('validation_failed', `${at}.index: ${index} is past the end of '${root}' (length ${len})`);
      node.insert(index, [op.value]);
      return { ok: true, value: undefined };
    }
    const index = op.index!;
    if (op.op === 'delete') {
      const count = op.length ?? 1;
      if (index + count > len) {
        return fail(
          'validation_failed',
          `${at}: deleting ${count} at ${index} is out of range of '${root}' (length ${len})`,
        );
      }
      node.delete(index, count);
      return { ok: true, value: undefined };
    }
    if (index >= len) return fail('not_found', `${at}: ${describe(root, index)} does not exist (length ${len})`);
    if (op.path === undefined) {
      node.delete(index, 1);
      node.insert(index, [op.value]);
      return { ok: true, value: undefined };
    }
    return setAtPath(node.get(index), op.path, op.value, at, describe(root, index));
  }
  // text
  if (op.op === 'insert') {
    if (typeof op.value !== 'string')
      return fail('validation_failed', `${at}.value: must be a string for text root '${root}'`);
    if (op.key !== undefined) return fail('validation_failed', `${at}.index: '${root}' is text: address it by index`);
    const len = node.length();
    const index = op.index ?? len;
    if (index > len)
      return fail('validation_failed', `${at}.index: ${index} is past the end of '${root}' (length ${len})`);
    node.insert(index, op.value);
    return { ok: true, value: undefined };
  }
  if (op.op === 'delete') {
    if (op.key !== undefined || op.index === undefined)
      return fail('validation_failed', `${at}.index: required for text root '${root}'`);
    const len = node.length();
    const count = op.length ?? 1;
    if (op.index + count > len) {
      return fail(
        'validation_failed',
        `${at}: deleting ${count} at ${op.index} is out of range of '${root}' (length ${len})`,
      );
    }
    node.delete(op.index, count);
    return { ok: true, value: undefined };
  }
  return fail('validation_failed', `${at}: text root '${root}' takes insert and delete only`);
}

/**
 * A value that would sit deeper below its root than reads show (`MAX_READ_DEPTH` levels, as the
 * raw-update cap counts them): the body's own depth cap leaves room for that once a long `path`
 * is added. Refused (400) rather than stored and read back as the marker.
 */
function overDeepWrite(op: StateOp & { op: 'insert' | 'update' }, at: string): Result<never> | null {
  const level = 1 + (op.op === 'update' && op.path !== undefined ? op.path.length : 0);
  if (!readValue(op.value, level).overDeep) return null;
  return fail(
    'validation_failed',
    `${at}.value: written ${level} level${level === 1 ? '' : 's'} below root '${op.root}', it would nest deeper than ${MAX_READ_DEPTH} levels; flatten it or write it higher up`,
    { root: op.root, max_depth: MAX_READ_DEPTH },
  );
}

function setAtPath(block: Val, path: readonly string[], value: JsonValue, at: string, where: string): Result<void> {
  let node: Val = block;
  let here = where;
  for (let j = 0; j < path.length - 1; j++) {
    const seg = path[j]!;
    if (typeof node !== 'object' || node === null || node.kind !== 'map') {
      return fail('validation_failed', `${at}.path[${j}]: ${here} is not a map block`);
    }
    if (!node.has(seg)) return fail('not_found', `${at}.path[${j}]: ${here} has no field ${JSON.stringify(seg)}`);
    node = node.get(seg)!;
    here = `${here}.${seg}`;
  }
  if (typeof node !== 'object' || node === null || node.kind !== 'map') {
    return fail('validation_failed', `${at}.path: ${here} is not a map block`);
  }
  node.set(path[path.length - 1]!, value);
  return { ok: true, value: undefined };
}
