import type { JsonValue } from '@easel/schemas';

/** Bounds of {@link sanitizeForEvent}; every field is optional. */
export interface SanitizeLimits {
  /** Longest string kept whole; longer text is cut (with `…`), longer base64 is replaced. Default 2048. */
  readonly maxString?: number;
  /** Deepest nesting kept; deeper values become null. Default 24. */
  readonly maxDepth?: number;
  /** Most keys kept per object and items per array. Default 500. */
  readonly maxEntries?: number;
}

const BASE64_RE = /^[A-Za-z0-9+/=\s]+$/;
const DATA_URI_RE = /^\s*data:/i;

/**
 * A JSON copy of a plugin output fit for an event or a job record (contract §4: no bytes in
 * events, no `data:` URIs, no huge fields): a field named `*_base64` and any `data:` URI become
 * `"[omitted: N characters]"`; base64-looking strings over `maxString` too; other long strings
 * are cut. Non-finite numbers become null, non-JSON values (functions, bigints, …) null.
 * Pure, total: never throws.
 */
export function sanitizeForEvent(value: unknown, limits: SanitizeLimits = {}): JsonValue {
  const maxString = limits.maxString ?? 2048;
  const maxDepth = limits.maxDepth ?? 24;
  const maxEntries = limits.maxEntries ?? 500;

  const str = (text: string, key: string | null): string => {
    if (key?.endsWith('_base64') || DATA_URI_RE.test(text)) return omitted(text);
    if (text.length <= maxString) return text;
    if (BASE64_RE.test(text.slice(0, 4096))) return omitted(text);
    return `${text.slice(0, maxString - 1)}…`;
  };

  const walk = (v: unknown, depth: number, key: string | null): JsonValue => {
    if (v === null) return null;
    switch (typeof v) {
      case 'string':
        return str(v, key);
      case 'number':
        return Number.isFinite(v) ? v + 0 : null; // -0 is 0 in JSON
      case 'boolean':
        return v;
      case 'object':
        break;
      default:
        return null;
    }
    if (depth >= maxDepth) return null;
    if (Array.isArray(v)) {
      const out: JsonValue[] = [];
      const n = Math.min(v.length, maxEntries);
      for (let i = 0; i < n; i++) out.push(walk(v[i], depth + 1, null));
      return out;
    }
    const out: Record<string, JsonValue> = {};
    let count = 0;
    for (const k of Object.keys(v as object)) {
      if (count++ >= maxEntries) break;
      const item = walk((v as Record<string, unknown>)[k], depth + 1, k);
      // `__proto__` as a plain own key, as JSON.parse makes it
      Object.defineProperty(out, k, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };

  try {
    return walk(value, 0, null);
  } catch {
    return null; // a getter that throws, a revoked proxy: nothing usable
  }
}

function omitted(text: string): string {
  return `[omitted: ${text.length} characters]`;
}

/** The UTF-8 size of `value` as JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
