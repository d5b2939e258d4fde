import type { JsonValue, VerifyContract } from '@easel/schemas';
import { isDeepStrictEqual } from 'node:util';
import { resolvePointer } from './jsonPointer.ts';

/** One assertion of a VerifyContract. */
export type Assertion = VerifyContract['assertions'][number];

/** How one assertion went. */
export interface AssertionOutcome {
  readonly id: string;
  readonly ok: boolean;
  /** Why it failed (absent when it passed). */
  readonly message?: string;
}

/** Longest regular expression source `matches` accepts (a bound on the work it may cause). */
const MAX_PATTERN = 512;
/** Longest text `matches` runs a pattern over. */
const MAX_SUBJECT = 100_000;

function show(value: JsonValue | undefined): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/**
 * Evaluates one assertion (contract §10 VerifyContract) on `doc` (`{state, tokens, output}` of a
 * run): `exists`; `equals` (deep); `matches` (a regular expression over a string); `lte` / `gte`
 * (numbers; on a string or array its length, on an object its key count); `contains` (a substring
 * of a string, an element of an array, a key of an object). Pure; never throws.
 */
export function evaluateAssertion(doc: JsonValue, assertion: Assertion): AssertionOutcome {
  const { id, path, op } = assertion;
  const fail = (message: string): AssertionOutcome => ({ id, ok: false, message: `${path}: ${message}` });
  const at = resolvePointer(doc, path);
  if (!at.found) return op === 'exists' && assertion.value === false ? { id, ok: true } : fail('does not exist');
  const actual = at.value;
  const expected = assertion.value;
  switch (op) {
    case 'exists':
      return expected === false ? fail('exists') : { id, ok: true };
    case 'equals':
      return isDeepStrictEqual(actual, expected ?? null)
        ? { id, ok: true }
        : fail(`is ${show(actual)}, expected ${show(expected ?? null)}`);
    case 'matches': {
      if (typeof expected !== 'string' || expected.length > MAX_PATTERN) return fail('value must be a pattern string');
      if (typeof actual !== 'string') return fail(`is ${show(actual)}, not a string`);
      let re: RegExp;
      try {
        re = new RegExp(expected);
      } catch {
        return fail(`${show(expected)} is not a valid regular expression`);
      }
      return re.test(actual.slice(0, MAX_SUBJECT))
        ? { id, ok: true }
        : fail(`${show(actual)} does not match ${expected}`);
    }
    case 'lte':
    case 'gte': {
      if (typeof expected !== 'number') return fail('value must be a number');
      const n = magnitude(actual);
      if (n === null) return fail(`is ${show(actual)}, which has no size`);
      const ok = op === 'lte' ? n <= expected : n >= expected;
      return ok ? { id, ok: true } : fail(`is ${n}, expected ${op === 'lte' ? '<=' : '>='} ${expected}`);
    }
    case 'contains': {
      if (typeof actual === 'string') {
        return typeof expected === 'string' && actual.includes(expected)
          ? { id, ok: true }
          : fail(`does not contain ${show(expected)}`);
      }
      if (Array.isArray(actual)) {
        return actual.some((item) => isDeepStrictEqual(item, expected))
          ? { id, ok: true }
          : fail(`has no element ${show(expected)}`);
      }
      if (actual !== null && typeof actual === 'object') {
        return typeof expected === 'string' && Object.hasOwn(actual, expected)
          ? { id, ok: true }
          : fail(`has no key ${show(expected)}`);
      }
      return fail(`is ${show(actual)}, which contains nothing`);
    }
  }
}

/** A number's value, a string's or array's length, an object's key count; null otherwise. */
function magnitude(value: JsonValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return null;
}
