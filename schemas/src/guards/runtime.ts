/**
 * The small runtime of the generated guards (`./generated/guards.ts`, written by `pnpm schemas:gen`
 * from the zod schemas): structural checks that accept what the zod schemas accept — types,
 * required and unknown keys, enums, literals, bounds, lengths (in code points), patterns, formats,
 * unions — and return the same output (defaults filled in, unknown keys of non-loose objects
 * dropped, URLs trimmed), for values that came from `JSON.parse`. Cross-field rules (zod
 * `.refine` / `.superRefine`) are not mirrored: `validate: 'full'` runs the schemas themselves.
 * No zod here, so a browser bundle that validates the network with guards does not carry zod.
 *
 * A check returns the output value, or {@link BAD} after recording the first issue in the context.
 */

/** A value's path, from the root: object keys and array indexes. */
export type GuardPath = Array<string | number>;

/** Why a value was refused: where, and what it must be. */
export interface GuardIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** What `safeParse` answers, shaped like zod's (so either can validate the same call site). */
export type GuardResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly GuardIssue[] } };

/** A generated validator of one schema. */
export interface Guard<T> {
  safeParse(value: unknown): GuardResult<T>;
}

/** Per-call state: the current path and the first issue. */
export interface GuardContext {
  readonly path: GuardPath;
  issue: GuardIssue | null;
}

/** Returned by a check that refused its value. */
export const BAD: unique symbol = Symbol('bad');

/**
 * A check. `o` says how an object treats the key when it is absent: `1` skip it (optional),
 * `2` run the check anyway (a default fills it in); unset: the key is required.
 */
export type Check = ((value: unknown, ctx: GuardContext) => unknown) & { o?: 1 | 2 };

const fail = (ctx: GuardContext, message: string, key?: string): typeof BAD => {
  ctx.issue ??= { path: key === undefined ? [...ctx.path] : [...ctx.path, key], message };
  return BAD;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Unicode code points of a string, as zod counts string lengths (a lone surrogate counts as one). */
const codePoints = (text: string): number => {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
};

/** A validator from a check. */
export function guard<T>(check: Check): Guard<T> {
  return {
    safeParse(value) {
      const ctx: GuardContext = { path: [], issue: null };
      const data = check(value, ctx);
      return data === BAD
        ? { success: false, error: { issues: [ctx.issue ?? { path: [], message: 'invalid' }] } }
        : { success: true, data: data as T };
    },
  };
}

/** What a string check matches: a `RegExp`, or a linear matcher standing in for one (same `source`). */
export interface Pattern {
  readonly source: string;
  test(text: string): boolean;
}

/**
 * `BASE64_PATTERN` (schemas/src/lib/patterns.ts: standard base64, padded), checked in linear time:
 * V8 runs that regex with a backtracking entry per 4-character group, slow on a megabyte snapshot.
 * Same language: base64 characters then at most two `=`, in a length that is a multiple of 4.
 * The generator uses it in place of that regex.
 */
export const base64Pattern: Pattern = {
  source: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
  test: (text) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text),
};

/** A string of `min`..`max` code points matching every pattern. */
export function str(min = 0, max = Infinity, ...patterns: Pattern[]): Check {
  return (v, ctx) => {
    if (typeof v !== 'string') return fail(ctx, 'expected a string');
    // zod counts code points; only lengths near a bound can differ from the UTF-16 length.
    const length = v.length < min * 2 || v.length > max ? codePoints(v) : v.length;
    if (length < min) return fail(ctx, `must have at least ${min} characters`);
    if (length > max) return fail(ctx, `must have at most ${max} characters`);
    for (const pattern of patterns) if (!pattern.test(v)) return fail(ctx, `must match ${pattern.source}`);
    return v;
  };
}

/** `z.url()`: a string `URL` can parse once trimmed; the output is trimmed, tabs and newlines removed. */
export function url(): Check {
  return (v, ctx) => {
    if (typeof v !== 'string') return fail(ctx, 'expected a string');
    const trimmed = v.trim();
    try {
      new URL(trimmed);
    } catch {
      return fail(ctx, 'must be a URL');
    }
    return trimmed.replace(/[\t\n\r]/g, '');
  };
}

/**
 * A finite number (`int`: a safe integer) within `lo`..`hi`; `open` bit 1 excludes `lo`, bit 2
 * excludes `hi`.
 */
export function num(int = false, lo = -Infinity, hi = Infinity, open = 0): Check {
  return (v, ctx) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(ctx, 'expected a number');
    if (int && !Number.isSafeInteger(v)) return fail(ctx, 'expected an integer');
    if (open & 1 ? v <= lo : v < lo) return fail(ctx, `must be ${open & 1 ? 'above' : 'at least'} ${lo}`);
    if (open & 2 ? v >= hi : v > hi) return fail(ctx, `must be ${open & 2 ? 'below' : 'at most'} ${hi}`);
    return v;
  };
}

/** `true` or `false`. */
export function bool(): Check {
  return (v, ctx) => (typeof v === 'boolean' ? v : fail(ctx, 'expected a boolean'));
}

/** `null`. */
export function nul(): Check {
  return (v, ctx) => (v === null ? v : fail(ctx, 'expected null'));
}

/** Anything. */
export function any(): Check {
  return (v) => v;
}

/** One of these values (`z.literal`, `z.enum`). */
export function oneOf(...values: unknown[]): Check {
  const set = new Set(values);
  return (v, ctx) => (set.has(v) ? v : fail(ctx, `must be ${values.map((x) => JSON.stringify(x)).join(' or ')}`));
}

/** An array of `min`..`max` items. */
export function arr(item: Check, min = 0, max = Infinity): Check {
  return (v, ctx) => {
    if (!Array.isArray(v)) return fail(ctx, 'expected an array');
    if (v.length < min) return fail(ctx, `must have at least ${min} items`);
    if (v.length > max) return fail(ctx, `must have at most ${max} items`);
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      ctx.path.push(i);
      const r = item(v[i], ctx);
      ctx.path.pop();
      if (r === BAD) return BAD;
      if (r !== v[i]) out ??= v.slice();
      if (out) out[i] = r;
    }
    return out ?? v;
  };
}

/** Object modes: unknown keys are dropped (`0`, `z.object`), refused (`1`, strict) or kept (`2`, loose). */
export function obj(shape: Record<string, Check>, mode: 0 | 1 | 2): Check {
  const keys = Object.keys(shape);
  return (v, ctx) => {
    if (!isObject(v)) return fail(ctx, 'expected an object');
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const check = shape[key]!;
      const present = key in v;
      if (!present && check.o === 1) continue;
      if (!present && check.o === undefined) return fail(ctx, 'required', key);
      ctx.path.push(key);
      const r = check(v[key], ctx);
      ctx.path.pop();
      if (r === BAD) return BAD;
      if (r !== v[key] || !present) changed = true;
      if (r !== undefined || present || check.o === 2) out[key] = r;
    }
    for (const key in v) {
      if (Object.hasOwn(shape, key)) continue;
      if (mode === 1) return fail(ctx, 'unknown field', key);
      if (mode === 2 && key !== '__proto__') out[key] = v[key];
      else changed = true;
    }
    return changed ? out : v;
  };
}

/** `z.record(key, value)` over a plain object; `__proto__` keys are skipped, as zod does. */
export function rec(key: Check, value: Check): Check {
  return (v, ctx) => {
    if (!isObject(v)) return fail(ctx, 'expected an object');
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') {
        changed = true;
        continue;
      }
      ctx.path.push(k);
      const kr = key(k, ctx);
      const r = kr === BAD ? BAD : value(v[k], ctx);
      ctx.path.pop();
      if (r === BAD) return BAD;
      if (r !== v[k] || kr !== k) changed = true;
      out[kr as string] = r;
    }
    return changed ? out : v;
  };
}

/** The first option that accepts the value; when none does, the issue that got furthest. */
export function union(...options: Check[]): Check {
  return (v, ctx) => {
    let best: GuardIssue | null = null;
    for (const option of options) {
      const branch: GuardContext = { path: ctx.path, issue: null };
      const r = option(v, branch);
      if (r !== BAD) return r;
      if (branch.issue && (!best || branch.issue.path.length > best.path.length)) best = branch.issue;
    }
    ctx.issue ??= best;
    return fail(ctx, 'matches none of the allowed shapes');
  };
}

/** `z.discriminatedUnion(key, …)`: the option for the value of `key`. */
export function disc(key: string, options: Array<[unknown, Check]>): Check {
  const byValue = new Map(options);
  return (v, ctx) => {
    const tag = isObject(v) ? v[key] : undefined;
    const option = byValue.get(tag);
    if (option) return option(v, ctx);
    return fail(ctx, `must be ${[...byValue.keys()].map((x) => JSON.stringify(x)).join(' or ')}`, key);
  };
}

/** `.optional()`: `undefined` passes (and an object may leave the key out). */
export function opt(inner: Check): Check {
  const check: Check = (v, ctx) => (v === undefined && inner.o !== 2 ? v : inner(v, ctx));
  check.o = inner.o === 2 ? 2 : 1;
  return check;
}

/** `.nullable()`. */
export function nullable(inner: Check): Check {
  const check: Check = (v, ctx) => (v === null ? v : inner(v, ctx));
  if (inner.o) check.o = inner.o;
  return check;
}

/** `.default(value)`: `undefined` becomes a fresh copy of the default. */
export function withDefault(inner: Check, value: () => unknown): Check {
  const check: Check = (v, ctx) => {
    if (v === undefined) return value();
    const r = inner(v, ctx);
    return r === undefined ? value() : r;
  };
  check.o = 2;
  return check;
}

/** A recursive schema (`z.json()`): the check is looked up on first use. */
export function lazy(get: () => Check): Check {
  let inner: Check | null = null;
  return (v, ctx) => {
    inner ??= get();
    return inner(v, ctx);
  };
}

/** Every combinator, for generated guard factories (`createAnswerGuards(GUARD_RUNTIME)`). */
export const GUARD_RUNTIME = {
  guard,
  base64Pattern,
  str,
  url,
  num,
  bool,
  nul,
  any,
  oneOf,
  arr,
  obj,
  rec,
  union,
  disc,
  opt,
  nullable,
  withDefault,
  lazy,
} as const;

export type GuardRuntime = typeof GUARD_RUNTIME;
