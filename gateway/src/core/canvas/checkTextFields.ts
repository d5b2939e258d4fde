import type { JsonValue } from '@easel/schemas';
import { fail, type Result } from '../errors/GatewayError.ts';
import type { TextKeys } from './stateNodes.ts';

/**
 * Checks that every key of `textKeys` in the objects of `value` (at any depth) holds a string, as
 * the manifest's `text_fields` demand of values `state.ops` writes into a root. `at` names the op
 * (`ops[2]`), `where` the value's place in it (`value`). Iterative, so any depth is safe.
 */
export function checkTextFields(
  value: JsonValue,
  textKeys: TextKeys,
  root: string,
  at: string,
  where = 'value',
): Result<void> {
  if (textKeys.size === 0) return { ok: true, value: undefined };
  const stack: Array<[JsonValue, string]> = [[value, where]];
  // Bounded by the size of `value`: each entry is visited once.
  while (stack.length > 0) {
    const [v, here] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i]!, `${here}[${i}]`]);
      continue;
    }
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i]!;
      if (x === undefined) continue;
      const path = `${here}.${k}`;
      if (textKeys.has(k)) {
        if (typeof x !== 'string') return textFieldRefusal(root, k, at, path);
      } else stack.push([x as JsonValue, path]);
    }
  }
  return { ok: true, value: undefined };
}

/** The refusal of a non-string value at text field `key` (`where`: its place in the op). */
export function textFieldRefusal(root: string, key: string, at: string, where: string): Result<never> {
  return fail(
    'validation_failed',
    `${at}.${where}: "${key}" is a text field of root '${root}' (manifest text_fields): its value must be a string`,
    { root, key, issues: [{ path: `${at}.${where}`, message: 'must be a string (a text field)' }] },
  );
}
