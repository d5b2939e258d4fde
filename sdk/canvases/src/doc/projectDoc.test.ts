import { applyStateOps } from '@easel/harness/testing';
import { canvasTypeManifestSchema, type JsonValue } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { textDiff } from '../lib/textDiff.ts';
import { DOC_MANIFEST } from './docManifest.ts';
import { addBlockOps, editBlockText, editBodyText, findBlockMap } from './docOps.ts';
import { type DocBlock, MAX_BLOCK_DEPTH, MAX_BLOCKS, projectDoc, readBlock, readBlocks } from './projectDoc.ts';

/** The tree walk `readBlocks` had before the single-pass rewrite, kept as the reference it must match. */
function referenceReadBlocks(value: unknown): { blocks: DocBlock[]; count: number; skipped: number } {
  let count = 0;
  let skipped = 0;
  const walk = (list: unknown, prefix: number[]): DocBlock[] => {
    if (!Array.isArray(list)) return [];
    const out: DocBlock[] = [];
    list.forEach((entry, index) => {
      const path = [...prefix, index];
      if (count >= MAX_BLOCKS || path.length > MAX_BLOCK_DEPTH) {
        skipped++;
        return;
      }
      const block = readBlock(entry, path);
      if (block === null) {
        skipped++;
        return;
      }
      count++;
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry))
        block.children = walk((entry as Record<string, unknown>).children, path);
      out.push(block);
    });
    return out;
  };
  const blocks = walk(value, []);
  return { blocks, count, skipped };
}

/** Block trees: blocks with and without ids, bare strings, junk, and nesting past MAX_BLOCK_DEPTH. */
const blockTree: fc.Arbitrary<JsonValue> = fc.letrec<{ list: JsonValue[]; entry: JsonValue }>((tie) => ({
  list: fc.array(tie('entry'), { maxLength: 4 }),
  entry: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 3 }),
    fc.constantFrom<JsonValue>(42, null, true, [], ['x']),
    fc.record(
      {
        id: fc.oneof(fc.constantFrom('', 'a', 'b'), fc.string({ maxLength: 300 }), fc.constant(7)),
        kind: fc.oneof(fc.constantFrom('heading', 'paragraph', 'code', ''), fc.string({ maxLength: 70 })),
        type: fc.constantFrom('quote', 3),
        text: fc.oneof(fc.string({ maxLength: 5 }), fc.constant(null)),
        children: fc.oneof(tie('list'), fc.constant<JsonValue>('not a list')),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<JsonValue>,
  ),
})).list as fc.Arbitrary<JsonValue>;

/** A chain of `depth` nested blocks, each with `width` leaf siblings. */
function deepTree(depth: number, width: number): JsonValue {
  let children: JsonValue[] = [];
  for (let d = depth; d > 0; d--) {
    const leaves = Array.from({ length: width }, (_, i): JsonValue => `leaf ${d}.${i}`);
    children = [{ id: `n${d}`, kind: 'bullet', text: `level ${d}`, children }, ...leaves];
  }
  return children;
}

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;

function docState(doc: Y.Doc): Record<string, JsonValue> {
  return { blocks: doc.getArray('blocks').toJSON() as JsonValue, text: doc.getText('text').toString() };
}

describe('projectDoc', () => {
  it('[CONTRACT 5] the manifest is valid: roots blocks (array) and text (text), no tools', () => {
    const parsed = canvasTypeManifestSchema.safeParse(DOC_MANIFEST);
    expect(parsed.success).toBe(true);
    expect(DOC_MANIFEST).toMatchObject({ type: 'doc', roots: { blocks: 'array', text: 'text' }, tools: [] });
  });

  it('never throws; blocks read plus skipped entries cover the tree', () => {
    fc.assert(
      fc.property(json, json, (blocks, text) => {
        const p = projectDoc({ blocks, text }, {});
        expect(p.blockCount + p.skipped).toBeGreaterThanOrEqual(Array.isArray(blocks) ? blocks.length : 0);
        expect(typeof p.text).toBe('string');
      }),
    );
  });

  it('a new projection of the same blocks JSON (new tokens only) reuses the blocks read; new JSON is read again', () => {
    const blocks: JsonValue = [{ id: 'a', kind: 'heading', text: 'A' }, 'bare'];
    const first = projectDoc({ blocks }, {});
    const retitled = projectDoc({ blocks }, { 'plan.title': 'T' });
    expect(retitled.title).toBe('T');
    expect(retitled.blocks).toBe(first.blocks);
    const changed = projectDoc({ blocks: [{ id: 'a', kind: 'heading', text: 'B' }, 'bare'] }, {});
    expect(changed.blocks).not.toBe(first.blocks);
    expect(changed.blocks[0]!.text).toBe('B');
    expect(changed.blockCount).toBe(2);
  });

  it('a style.font naming an Object.prototype member falls back to sans', () => {
    expect(projectDoc({}, { 'style.font': 'constructor' }).font).toBe(projectDoc({}, {}).font);
    expect(projectDoc({}, { 'style.font': 'serif' }).font).toContain('serif');
  });

  it('reads a tree with paths; entries without id get a path id', () => {
    const { blocks, count } = readBlocks([
      { id: 'h', kind: 'heading', text: 'Title', children: [{ id: 'c', kind: 'bullet', text: 'one' }, 'loose'] },
      { kind: 'paragraph' },
      42,
    ]);
    expect(count).toBe(4);
    expect(blocks[0]).toMatchObject({
      id: 'h',
      path: [0],
      children: [
        { id: 'c', path: [0, 0] },
        { id: '@0.1', structured: false, text: 'loose' },
      ],
    });
    expect(blocks[1]).toMatchObject({ id: '@1', hasId: false, kind: 'paragraph', text: '' });
  });

  it('reads any block tree exactly as the reference walk does (order, nesting, paths, ids, counts)', () => {
    fc.assert(
      fc.property(fc.oneof(blockTree, json), (tree) => {
        expect(readBlocks(tree)).toEqual(referenceReadBlocks(tree));
      }),
      { numRuns: 500 },
    );
  });

  it('matches the reference past the depth bound and past MAX_BLOCKS (nested and top level)', () => {
    expect(readBlocks(deepTree(MAX_BLOCK_DEPTH + 3, 2))).toEqual(referenceReadBlocks(deepTree(MAX_BLOCK_DEPTH + 3, 2)));
    const big: JsonValue = [
      ...Array.from(
        { length: MAX_BLOCKS - 5 },
        (_, i): JsonValue => ({ id: `b${i}`, kind: 'paragraph', text: `${i}` }),
      ),
      { id: 'parent', kind: 'heading', children: deepTree(4, 3) },
      'bare',
      ...Array.from({ length: 20 }, (_, i): JsonValue => ({ id: `tail${i}`, children: ['x'] })),
    ];
    const read = readBlocks(big);
    expect(read).toEqual(referenceReadBlocks(big));
    expect(read.count).toBe(MAX_BLOCKS);
    expect(read.skipped).toBeGreaterThan(20);
  });

  it('[CONTRACT 5] body edits are Y.Text splices: two peers typing at once both survive', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), minLength: 1, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('x', 'X'), maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('y', 'Y'), maxLength: 6 }),
        (base, left, right) => {
          const a = new Y.Doc();
          a.getText('text').insert(0, base);
          const b = new Y.Doc();
          Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
          // a types at the start, b at the end, each from the text it saw
          const ua = textDiff(base, left + base);
          const ub = textDiff(base, base + right);
          if (ua) a.transact(() => editBodyText(ua)(a));
          if (ub) b.transact(() => editBodyText(ub)(b));
          Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
          Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
          expect(a.getText('text').toString()).toBe(left + base + right);
          expect(b.getText('text').toString()).toBe(left + base + right);
        },
      ),
    );
  });

  it('a block inserted by state.ops (plain string text) becomes a Y.Text on first edit, then merges', () => {
    const doc = new Y.Doc();
    expect(applyStateOps(doc, DOC_MANIFEST.roots, addBlockOps('b1', 'paragraph', 'hello'))).toMatchObject({ ok: true });
    const block = projectDoc(docState(doc), {}).blocks[0]!;
    doc.transact(() => editBlockText(block, textDiff('hello', 'hello!')!, 'hello!')(doc));
    const map = findBlockMap(doc, block)!;
    expect(map.get('text')).toBeInstanceOf(Y.Text);
    expect(projectDoc(docState(doc), {}).blocks[0]!.text).toBe('hello!');
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    doc.transact(() => editBlockText(block, textDiff('hello!', 'Hello!')!, 'Hello!')(doc));
    const peerBlock = projectDoc(docState(peer), {}).blocks[0]!;
    peer.transact(() => editBlockText(peerBlock, textDiff('hello!', 'hello!!')!, 'hello!!')(peer));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
    expect(projectDoc(docState(doc), {}).blocks[0]!.text).toBe('Hello!!');
  });

  it('finds a block by id when another block moved it', () => {
    const doc = new Y.Doc();
    applyStateOps(doc, DOC_MANIFEST.roots, [
      ...addBlockOps('a', 'paragraph', 'A'),
      ...addBlockOps('b', 'paragraph', 'B'),
    ]);
    const b = projectDoc(docState(doc), {}).blocks[1]!;
    applyStateOps(doc, DOC_MANIFEST.roots, [{ op: 'move', root: 'blocks', from: 1, to: 0 }]);
    expect(findBlockMap(doc, b)?.get('text')).toBe('B');
    applyStateOps(doc, DOC_MANIFEST.roots, [{ op: 'delete', root: 'blocks', index: 0 }]);
    expect(findBlockMap(doc, b)).toBeNull();
  });
});
