import type { JsonValue } from '@easel/schemas';
import { isRecord, type JsonRecord, readColor, readString } from '../lib/readJson.ts';

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

/** Counters of one {@link readBlocks} pass. */
interface ReadTally {
  count: number;
  skipped: number;
}

/**
 * Reads the `blocks` tree; never throws. One linear pass in document order (pre-order, the order the
 * blocks render in): each entry is read once, with no per-entry closure or intermediate arrays.
 * The tree is JSON (arrays without holes).
 */
export function readBlocks(value: unknown): { blocks: DocBlock[]; count: number; skipped: number } {
  const tally: ReadTally = { count: 0, skipped: 0 };
  const blocks = readList(value, ROOT_PATH, tally);
  return { blocks, count: tally.count, skipped: tally.skipped };
}

const ROOT_PATH: readonly number[] = [];

/** Reads one array of the tree (the root or a block's `children`) at index path `prefix`. */
function readList(list: unknown, prefix: readonly number[], tally: ReadTally): DocBlock[] {
  const out: DocBlock[] = [];
  if (!Array.isArray(list)) return out;
  const length = list.length;
  // Entries past the depth bound are skipped whole (not descended into).
  if (prefix.length + 1 > MAX_BLOCK_DEPTH) {
    tally.skipped += length;
    return out;
  }
  for (let index = 0; index < length; index++) {
    if (tally.count >= MAX_BLOCKS) {
      // Every entry left in this list is skipped; enclosing lists count their own rest.
      tally.skipped += length - index;
      break;
    }
    const entry: unknown = list[index];
    const path = prefix.length === 0 ? [index] : [...prefix, index];
    const block = readBlock(entry, path);
    if (block === null) {
      tally.skipped++;
      continue;
    }
    tally.count++;
    if (block.structured) {
      const children = (entry as JsonRecord).children;
      if (Array.isArray(children) && children.length > 0) block.children = readList(children, path, tally);
    }
    out.push(block);
  }
  return out;
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
  // Plain typeof checks and a slice only when over the bound: this runs once per block, mostly cold.
  const storedId = entry.id;
  const hasId = typeof storedId === 'string' && storedId !== '';
  const kindField = entry.kind;
  const typeField = entry.type;
  const kind = typeof kindField === 'string' ? kindField : typeof typeField === 'string' ? typeField : 'paragraph';
  const text = entry.text;
  return {
    id: hasId ? (storedId.length > MAX_ID_LENGTH ? storedId.slice(0, MAX_ID_LENGTH) : storedId) : `@${path.join('.')}`,
    hasId,
    structured: true,
    kind: kind === '' ? 'paragraph' : kind.length > MAX_KIND_LENGTH ? kind.slice(0, MAX_KIND_LENGTH) : kind,
    text: typeof text === 'string' ? text : '',
    path,
    children: [],
  };
}

/** Longest block id kept (longer ones are cut). */
const MAX_ID_LENGTH = 256;
/** Longest block kind kept. */
const MAX_KIND_LENGTH = 64;

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
