// @ts-check
/**
 * Built-in plugin `canvas-stats` (contract §9): statistics of a canvas snapshot frame.
 * Plain ESM for plain Node (the sandbox host loads it without a TypeScript loader).
 * Input and output shapes: ./plugin.json and ../README.md.
 */
import { boardStats, textsOf } from './boardStats.mjs';
import { tokenStats } from './tokenStats.mjs';
import { isRecord } from '../shared/whiteboardShapes.mjs';
import { whiteboardStats } from './whiteboardStats.mjs';

/** Bounds of one call; bigger inputs are refused with an Error that names the limit. */
export const LIMITS = Object.freeze({
  /** Roots in `state`. */
  roots: 64,
  /** Entries (map keys, array items, text characters) of one root. */
  entriesPerRoot: 100_000,
  /** Tokens in `tokens`. */
  tokens: 1_000,
  /** Characters of note text read to count words. */
  textCharacters: 10_000_000,
});

/**
 * What the host passes as `ctx` (contract §9).
 * @typedef {object} ToolContext
 * @property {(percent: number) => void} progress
 * @property {(message: string) => void} warn
 * @property {(payload: unknown) => void} partial
 * @property {AbortSignal} signal
 */

/** @typedef {{kind: 'map' | 'array' | 'text' | 'other', entries: number}} RootStats */

/** @type {Record<string, (input: any, ctx: ToolContext) => Promise<unknown>>} */
export const tools = {
  /**
   * Statistics of `input.frame` (a canvas frame).
   * @param {any} input `{frame, index, fps?, previous?, prior_frame?, params?: {token_defaults?}}`
   * @param {ToolContext} ctx
   */
  stats: async (input, ctx) => canvasStats(input, ctx),
};

/**
 * @param {any} input
 * @param {ToolContext} ctx
 */
export function canvasStats(input, ctx) {
  const frame = input?.frame;
  if (!isRecord(frame) || frame.kind !== 'canvas') {
    throw new Error(`canvas-stats needs a canvas frame ({kind: 'canvas', ...}); got ${describeKind(frame)}`);
  }
  const canvasType = typeof frame.canvas_type === 'string' ? frame.canvas_type : '';
  const state = isRecord(frame.state) ? frame.state : {};
  const tokens = isRecord(frame.tokens) ? frame.tokens : {};
  const index = Number.isInteger(input.index) ? input.index : 0;
  checkBounds(state, tokens);
  if (ctx.signal?.aborted) throw new Error('canvas-stats: aborted');

  /** @type {Record<string, RootStats>} */
  const roots = {};
  for (const [name, value] of Object.entries(state)) roots[name] = rootStats(value);
  const defaults = isRecord(input.params?.token_defaults) ? input.params.token_defaults : undefined;
  /** @type {Record<string, unknown>} */
  const out = {
    index,
    canvas_type: canvasType,
    roots,
    tokens: tokenStats(canvasType, tokens, defaults),
  };
  if (typeof input.fps === 'number' && input.fps > 0) out.time_ms = (index * 1000) / input.fps;
  if (canvasType === 'board') {
    if (!('notes' in state)) ctx.warn('canvas-stats: the board snapshot has no notes root (not readable?)');
    out.board = boardStats(state.notes, state.layout, tokens['board.columns']);
  } else if (canvasType === 'whiteboard') {
    if (!('shapes' in state)) ctx.warn('canvas-stats: the whiteboard snapshot has no shapes root (not readable?)');
    const stats = whiteboardStats(state.shapes, state.layers);
    if (stats.without_geometry > 0) {
      ctx.warn(
        `canvas-stats: ${stats.without_geometry} shape(s) without finite x, y, w, h are left out of bbox and area`,
      );
    }
    out.whiteboard = stats;
  }
  return out;
}

/** @param {unknown} value @returns {RootStats} */
function rootStats(value) {
  if (Array.isArray(value)) return { kind: 'array', entries: value.length };
  if (isRecord(value)) return { kind: 'map', entries: Object.keys(value).length };
  if (typeof value === 'string') return { kind: 'text', entries: value.length };
  return { kind: 'other', entries: 0 };
}

/**
 * @param {Record<string, unknown>} state
 * @param {Record<string, unknown>} tokens
 */
function checkBounds(state, tokens) {
  const names = Object.keys(state);
  if (names.length > LIMITS.roots) {
    throw new Error(`canvas-stats: the snapshot has ${names.length} roots; the limit is ${LIMITS.roots}`);
  }
  for (const name of names) {
    const { entries } = rootStats(state[name]);
    if (entries > LIMITS.entriesPerRoot) {
      throw new Error(
        `canvas-stats: root '${name}' has ${entries} entries; the limit is ${LIMITS.entriesPerRoot} per root`,
      );
    }
  }
  const tokenCount = Object.keys(tokens).length;
  if (tokenCount > LIMITS.tokens) {
    throw new Error(`canvas-stats: the snapshot has ${tokenCount} tokens; the limit is ${LIMITS.tokens}`);
  }
  let characters = 0;
  for (const note of Object.values(isRecord(state.notes) ? state.notes : {})) {
    for (const text of textsOf(note)) characters += text.length;
  }
  if (characters > LIMITS.textCharacters) {
    throw new Error(
      `canvas-stats: the notes hold ${characters} characters of text; the limit is ${LIMITS.textCharacters}`,
    );
  }
}

/** @param {unknown} frame @returns {string} */
function describeKind(frame) {
  if (!isRecord(frame)) return frame === undefined ? 'no frame' : `a ${Array.isArray(frame) ? 'list' : typeof frame}`;
  return typeof frame.kind === 'string' ? `a frame of kind '${frame.kind}'` : 'a frame without kind';
}
