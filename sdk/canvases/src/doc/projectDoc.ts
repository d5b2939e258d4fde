import type { JsonValue } from '@easel/schemas';
import { isRecord, readColor, readString } from '../lib/readJson.ts';

/** Block kinds with their own look; any other kind renders as a paragraph (its kind kept). */
export const BLOCK_KINDS = ['heading', 'paragraph', 'bullet', 'quote', 'code'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** Deepest nesting read (deeper children are counted as skipped). */
export const MAX_BLOCK_DEPTH = 8;

/** Most blocks read in all. */
export const MAX_BLOCKS = 10_000;

/** Fonts the `style.font` token may choose. */
const FONTS: Record<string, string> = {
  sans: 'system-ui, sans-serif',
  serif: 'Georgia, serif',
  mono: 'ui-monospace, monospace',
};

/**
 * One block. Stored shape: `{id, kind, text?, children?}` where `text` is a string (as `state.ops`
 * writes it) or a Y.Text (after a collaborative edit; its JSON is the same string).
 */
export interface DocBlock {
  /** The stored id, or `@<path>` for an entry without one. */
  id: string;
  /** True when the stored entry carries its own `id`. */
  hasId: boolean;
  /** True when the stored entry is an object (a Y.Map: fields editable); false for a bare string. */
  structured: boolean;
  kind: string;
  text: string;
  /** Index path from the `blocks` root (`[2, 0]`: first child of the third block). */
  path: number[];
  children: DocBlock[];
}

/** The typed projection the doc component renders. */
export interface DocProjection {
  title: string;
  status: string;
  font: string;
  accent: string;
  blocks: DocBlock[];
  /** Blocks read (all depths). */
  blockCount: number;
  /** Entries of the tree that could not be read as blocks (or were past the bounds). */
  skipped: number;
  /** The `text` root (Y.Text) as a string. */
  text: string;
}

/** Reads the `blocks` tree; never throws. */
export function readBlocks(value: unknown): { blocks: DocBlock[]; count: number; skipped: number } {
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
      if (isRecord(entry)) block.children = walk(entry.children, path);
      out.push(block);
    });
    return out;
  };
  const blocks = walk(value, []);
  return { blocks, count, skipped };
}

/** Reads one block entry (a bare string reads as a paragraph); null when it is neither. */
export function readBlock(entry: unknown, path: number[]): DocBlock | null {
  if (typeof entry === 'string') {
    return {
      id: `@${path.join('.')}`,
      hasId: false,
      structured: false,
      kind: 'paragraph',
      text: entry,
      path,
      children: [],
    };
  }
  if (!isRecord(entry)) return null;
  const storedId = readString(entry.id);
  const hasId = storedId !== undefined && storedId !== '';
  const kind = readString(entry.kind) ?? readString(entry.type) ?? 'paragraph';
  return {
    id: hasId ? storedId.slice(0, 256) : `@${path.join('.')}`,
    hasId,
    structured: true,
    kind: kind === '' ? 'paragraph' : kind.slice(0, 64),
    text: readString(entry.text) ?? '',
    path,
    children: [],
  };
}

/**
 * The blocks read from each `blocks` JSON still in use: the harness keeps an unchanged root's JSON
 * identical, so a projection for new tokens only (or a re-render) does not walk 10k blocks again.
 */
const readCache = new WeakMap<object, ReturnType<typeof readBlocks>>();

function readBlocksOnce(value: unknown): ReturnType<typeof readBlocks> {
  if (value === null || typeof value !== 'object') return readBlocks(value);
  let read = readCache.get(value);
  if (read === undefined) {
    read = readBlocks(value);
    readCache.set(value, read);
  }
  return read;
}

/** The doc projection of a canvas's JSON state and tokens. Never throws. */
export function projectDoc(state: Record<string, JsonValue>, tokens: Record<string, JsonValue>): DocProjection {
  const { blocks, count, skipped } = readBlocksOnce(state.blocks);
  const fontToken = readString(tokens['style.font']) ?? 'sans';
  const font = Object.hasOwn(FONTS, fontToken) ? FONTS[fontToken]! : FONTS.sans!;
  return {
    title: readString(tokens['plan.title']) ?? '',
    status: readString(tokens['doc.status']) ?? 'draft',
    font,
    accent: readColor(tokens['style.accent']) ?? '#0ea5e9',
    blocks,
    blockCount: count,
    skipped,
    text: readString(state.text) ?? '',
  };
}
