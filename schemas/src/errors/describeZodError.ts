import type { z } from 'zod';

/** One failing field: `path` like `scope.project_id` or `ops[3].value`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** A person-readable summary of a zod failure, for a `validation_failed` body. */
export interface DescribedZodError {
  /** Names the first failing paths and what each must be; at most {@link MAX_MESSAGE_LENGTH} chars. */
  message: string;
  details: { issues: ValidationIssue[] };
}

/** Longest `message` produced. */
export const MAX_MESSAGE_LENGTH = 600;
/** Issues named in `message`. */
const MESSAGE_ISSUES = 3;
/** Issues listed in `details.issues`. */
const MAX_DETAIL_ISSUES = 20;
const MAX_ISSUE_MESSAGE = 240;

type Key = PropertyKey;

/** Renders a path as `a.b[2].c`; `prefix` (e.g. `commands[3]`) goes first. */
export function formatPath(path: readonly Key[], prefix?: string): string {
  let out = prefix ?? '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const text = String(key);
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
      out += plain ? (out === '' ? text : `.${text}`) : `[${JSON.stringify(text)}]`;
    }
  }
  return out === '' ? '(body)' : out;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const RECEIVED_RE = /^Invalid input: expected (\w+), received (\w+)$/;

/** Turns zod's default wording into "required" / "must be a string (got number)". */
function humanMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const m = RECEIVED_RE.exec(issue.message);
    if (m) return m[2] === 'undefined' ? 'required' : `must be ${article(m[1]!)} (got ${m[2]})`;
  }
  if (issue.code === 'invalid_key' && issue.message === 'Invalid key in record') {
    const inner = issue.issues[0];
    return inner ? `invalid key: ${humanMessage(inner)}` : 'invalid key';
  }
  if (issue.code === 'invalid_union' && issue.message === 'Invalid input') {
    const nested = issue.errors.flat()[0];
    if (nested) return humanMessage(nested);
    return 'does not match any allowed shape';
  }
  return issue.message;
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  if (type === 'int') return 'an integer';
  return `a ${type}`;
}

function flatten(issues: readonly z.core.$ZodIssue[], prefix: string | undefined, out: ValidationIssue[]): void {
  for (const issue of issues) {
    if (out.length >= MAX_DETAIL_ISSUES) return;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (out.length >= MAX_DETAIL_ISSUES) return;
        out.push({ path: formatPath([...issue.path, key], prefix), message: 'unknown field; remove it' });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.message === 'Invalid input' && issue.errors.length > 0) {
      // Report the branch that got furthest (most nested path) rather than every branch.
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      const nested = best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
      flatten(nested as z.core.$ZodIssue[], prefix, out);
      continue;
    }
    const entry = { path: formatPath(issue.path, prefix), message: clip(humanMessage(issue), MAX_ISSUE_MESSAGE) };
    if (!out.some((o) => o.path === entry.path && o.message === entry.message)) out.push(entry);
  }
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

/**
 * Describes a zod error so a person can act on it:
 * `scope.project_id: must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$; scope.app_id: required`.
 * `prefix` is prepended to every path (e.g. `commands[2]`). Never throws.
 */
export function describeZodError(
  err: { issues: readonly z.core.$ZodIssue[] } | z.ZodError,
  prefix?: string,
): DescribedZodError {
  const issues: ValidationIssue[] = [];
  try {
    // Unknown fields first: they are the usual typo, and their names must reach the message.
    const unknown = err.issues.filter((i) => i.code === 'unrecognized_keys');
    const rest = err.issues.filter((i) => i.code !== 'unrecognized_keys');
    flatten([...unknown, ...rest], prefix, issues);
  } catch {
    // Defensive: a malformed issue list still yields a message below.
  }
  if (issues.length === 0) issues.push({ path: prefix ?? '(body)', message: 'is invalid' });
  const shown = issues.slice(0, MESSAGE_ISSUES).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > MESSAGE_ISSUES ? ` (and ${issues.length - MESSAGE_ISSUES} more)` : '';
  const message = clip(shown.join('; ') + more, MAX_MESSAGE_LENGTH);
  return { message, details: { issues } };
}
