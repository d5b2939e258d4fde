import type { StateOp } from '@easel/schemas';
import * as Y from 'yjs';
import type { TextSplice } from '../lib/textDiff.ts';
import type { BlockKind, DocBlock } from './projectDoc.ts';

/** The `blocks` root name (array). */
export const BLOCKS_ROOT = 'blocks';

/** The `text` root name (Y.Text). */
export const TEXT_ROOT = 'text';

/** Inserts a new top-level block `{id, kind, text}` at `index` (the end when omitted). */
export function addBlockOps(id: string, kind: BlockKind, text: string, index?: number): StateOp[] {
  const op: StateOp = { op: 'insert', root: BLOCKS_ROOT, value: { id, kind, text } };
  if (index !== undefined) op.index = index;
  return [op];
}

/** Deletes the top-level block at `index`. */
export function deleteBlockOps(index: number): StateOp[] {
  return [{ op: 'delete', root: BLOCKS_ROOT, index }];
}

/** Moves the top-level block at `from` to `to`. */
export function moveBlockOps(from: number, to: number): StateOp[] {
  return [{ op: 'move', root: BLOCKS_ROOT, from, to }];
}

/** Sets a top-level block's kind. */
export function setBlockKindOps(index: number, kind: string): StateOp[] {
  return [{ op: 'update', root: BLOCKS_ROOT, index, path: ['kind'], value: kind }];
}

/** Applies a splice to a Y.Text, clamped to its length (a concurrent edit may have shortened it). */
export function spliceYText(text: Y.Text, splice: TextSplice): void {
  const index = Math.min(splice.index, text.length);
  const remove = Math.min(splice.remove, text.length - index);
  if (remove > 0) text.delete(index, remove);
  if (splice.insert !== '') text.insert(index, splice.insert);
}

/** The `text` root edit: one splice on the Y.Text. For `emit.edit`. */
export function editBodyText(splice: TextSplice): (doc: Y.Doc) => void {
  return (doc) => spliceYText(doc.getText(TEXT_ROOT), splice);
}

/** Finds a block's Y.Map: at its path when the id still matches there, else by id anywhere in the tree. */
export function findBlockMap(doc: Y.Doc, block: Pick<DocBlock, 'id' | 'hasId' | 'path'>): Y.Map<unknown> | null {
  const root = doc.getArray<unknown>(BLOCKS_ROOT);
  const atPath = mapAtPath(root, block.path);
  if (atPath !== null && (!block.hasId || atPath.get('id') === block.id)) return atPath;
  if (!block.hasId) return null;
  return findById(root, block.id, 0);
}

function mapAtPath(root: Y.Array<unknown>, path: readonly number[]): Y.Map<unknown> | null {
  let list: Y.Array<unknown> | null = root;
  let node: unknown = null;
  for (const index of path) {
    if (list === null || index >= list.length) return null;
    node = list.get(index);
    const children: unknown = node instanceof Y.Map ? node.get('children') : null;
    list = children instanceof Y.Array ? children : null;
  }
  return node instanceof Y.Map ? node : null;
}

function findById(list: Y.Array<unknown>, id: string, depth: number): Y.Map<unknown> | null {
  if (depth > 8) return null;
  for (const node of list) {
    if (!(node instanceof Y.Map)) continue;
    if (node.get('id') === id) return node;
    const children = node.get('children');
    if (children instanceof Y.Array) {
      const found = findById(children, id, depth + 1);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * A block's text edit, for `emit.edit`: a splice on its Y.Text. Does nothing when the block is gone.
 *
 * New blocks hold a Y.Text from their creation: `DOC_MANIFEST` declares `text` a text field of
 * `blocks` (`text_fields`, 1.1.0), so the gateway's `state.ops` (`addBlockOps`, an agent's ops)
 * stores it as one, and concurrent first edits merge. Fallback for old data only (blocks created
 * before 1.1.0, or in a canvas created with the 1.0.0 manifest): a block whose text is still a
 * plain string gets a new Y.Text holding the new text, collaborative from then on; two such
 * first edits at the same moment still keep only one of them (Yjs keeps one value of the key).
 */
export function editBlockText(
  block: Pick<DocBlock, 'id' | 'hasId' | 'path'>,
  splice: TextSplice,
  after: string,
): (doc: Y.Doc) => void {
  return (doc) => {
    const map = findBlockMap(doc, block);
    if (map === null) return;
    const current = map.get('text');
    if (current instanceof Y.Text) spliceYText(current, splice);
    else map.set('text', new Y.Text(after));
  };
}
