import type { JsonValue } from '../lib/jsonValueSchema.ts';

/** The parts of a token declaration the check reads (a `TokenDeclaration` fits). */
export interface TokenValueRules {
  type: 'string' | 'number' | 'boolean' | 'enum' | 'color' | 'json';
  values?: readonly string[] | undefined;
  min?: number | undefined;
  max?: number | undefined;
  max_length?: number | undefined;
  default?: JsonValue | undefined;
}

export type TokenValueResult = { ok: true; value: JsonValue } | { ok: false; message: string };

/** Longest string token when `max_length` is not declared. */
export const DEFAULT_TOKEN_MAX_LENGTH = 10_000;
/** Largest `json` token value, serialized, in UTF-8 bytes. */
export const MAX_JSON_TOKEN_BYTES = 16 * 1024;
const MAX_JSON_DEPTH = 64;

const utf8 = new TextEncoder();
const COLOR_RE = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** True when `value` is plain JSON data (finite numbers, no cycles, no undefined/functions), within depth. */
function isJson(value: unknown, depth: number, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > MAX_JSON_DEPTH || seen.has(value)) return false;
  seen.add(value);
  let ok = true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isJson(item, depth + 1, seen)) ok = false;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) ok = false;
    else for (const item of Object.values(value)) if (ok && !isJson(item, depth + 1, seen)) ok = false;
  }
  seen.delete(value);
  return ok;
}

/**
 * Checks a token value against its declaration (contract §5). Never throws.
 * string: ≤ max_length (default 10 000) chars; number: finite, within min/max; boolean;
 * enum: one of `values`; color: `#rgb` or `#rrggbb`; json: any JSON, ≤ 16 KiB serialized.
 */
export function validateTokenValue(decl: TokenValueRules, value: unknown): TokenValueResult {
  switch (decl.type) {
    case 'string': {
      if (typeof value !== 'string') return { ok: false, message: `must be a string (got ${describeValue(value)})` };
      const max = decl.max_length ?? DEFAULT_TOKEN_MAX_LENGTH;
      if (value.length > max) return { ok: false, message: `must be at most ${max} characters (got ${value.length})` };
      return { ok: true, value };
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { ok: false, message: `must be a finite number (got ${describeValue(value)})` };
      }
      if (decl.min !== undefined && value < decl.min)
        return { ok: false, message: `must be at least ${decl.min} (got ${value})` };
      if (decl.max !== undefined && value > decl.max)
        return { ok: false, message: `must be at most ${decl.max} (got ${value})` };
      return { ok: true, value };
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? { ok: true, value }
        : { ok: false, message: `must be true or false (got ${describeValue(value)})` };
    case 'enum': {
      const values = decl.values ?? [];
      if (typeof value === 'string' && values.includes(value)) return { ok: true, value };
      if (values.length === 0) return { ok: false, message: 'cannot be set: the enum declares no values' };
      const shown = values
        .slice(0, 10)
        .map((v) => JSON.stringify(v))
        .join(', ');
      return { ok: false, message: `must be one of ${shown}${values.length > 10 ? ', …' : ''}` };
    }
    case 'color':
      return typeof value === 'string' && COLOR_RE.test(value)
        ? { ok: true, value }
        : { ok: false, message: 'must be a color #rgb or #rrggbb (hex digits)' };
    case 'json': {
      if (value === undefined || !isJson(value, 0, new Set())) {
        return { ok: false, message: 'must be JSON data (null, boolean, finite number, string, array, object)' };
      }
      const bytes = utf8.encode(JSON.stringify(value)).length;
      if (bytes > MAX_JSON_TOKEN_BYTES) {
        return { ok: false, message: `must serialize to at most ${MAX_JSON_TOKEN_BYTES} bytes (got ${bytes})` };
      }
      return { ok: true, value: value as JsonValue };
    }
    default:
      return { ok: false, message: 'has an unknown declared type' };
  }
}

/** The value a token has before any `token.set` and after `token.delete`. */
export function tokenDefault(decl: TokenValueRules): JsonValue {
  if (decl.default !== undefined) return decl.default;
  switch (decl.type) {
    case 'string':
      return '';
    case 'number':
      return decl.min !== undefined && decl.min > 0 ? decl.min : decl.max !== undefined && decl.max < 0 ? decl.max : 0;
    case 'boolean':
      return false;
    case 'enum':
      return decl.values?.[0] ?? null;
    case 'color':
      return '#000000';
    default:
      return null;
  }
}
