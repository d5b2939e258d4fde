// @ts-check
import { isRecord } from '../shared/whiteboardShapes.mjs';

/**
 * Token defaults of the built-in canvas types (`gateway/src/core/canvasTypes/builtinCanvasTypes.ts`;
 * plugins run on plain Node and cannot import it, so a test keeps this copy equal to it).
 * @type {Readonly<Record<string, Readonly<Record<string, unknown>>>>}
 */
export const BUILTIN_TOKEN_DEFAULTS = Object.freeze({
  board: Object.freeze({
    'plan.title': '',
    'plan.note': '',
    'plan.status': 'draft',
    'plan.count': 0,
    'style.accent': '#3b82f6',
    'style.color': '#000000',
    'style.dense': false,
    'board.columns': ['todo', 'doing', 'done'],
  }),
  whiteboard: Object.freeze({
    'style.stroke': '#111827',
    'style.fill': '#ffffff',
    'style.grid': true,
    'view.zoom': 1,
    'plan.title': '',
  }),
});

/** At most this many ids are listed in `changed_ids`. */
export const MAX_LISTED_TOKEN_IDS = 200;

/**
 * @typedef {object} TokenStats
 * @property {number} total tokens in the snapshot
 * @property {number} changed whose value differs from the declared default
 * @property {number} at_default whose value equals the declared default
 * @property {number} unknown without a known default
 * @property {string[]} changed_ids sorted, at most {@link MAX_LISTED_TOKEN_IDS}
 * @property {'params' | 'builtin' | 'none'} defaults_from
 */

/**
 * Compares the snapshot's tokens with their defaults: `params.token_defaults` when given (a custom
 * canvas type's declared defaults), else the built-in type's, else none (every token `unknown`).
 * @param {string} canvasType
 * @param {Record<string, unknown>} tokens
 * @param {Record<string, unknown> | undefined} givenDefaults
 * @returns {TokenStats}
 */
export function tokenStats(canvasType, tokens, givenDefaults) {
  const builtin = Object.hasOwn(BUILTIN_TOKEN_DEFAULTS, canvasType) ? BUILTIN_TOKEN_DEFAULTS[canvasType] : undefined;
  const defaults = givenDefaults ?? builtin;
  const ids = Object.keys(tokens).sort();
  /** @type {string[]} */
  const changed = [];
  let atDefault = 0;
  let unknown = 0;
  for (const id of ids) {
    if (defaults === undefined || !Object.hasOwn(defaults, id)) unknown++;
    else if (jsonEqual(tokens[id], defaults[id])) atDefault++;
    else changed.push(id);
  }
  return {
    total: ids.length,
    changed: changed.length,
    at_default: atDefault,
    unknown,
    changed_ids: changed.slice(0, MAX_LISTED_TOKEN_IDS),
    defaults_from: givenDefaults !== undefined ? 'params' : builtin !== undefined ? 'builtin' : 'none',
  };
}

/**
 * Structural equality of JSON values (object key order ignored). Depth is bounded by the input's.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
