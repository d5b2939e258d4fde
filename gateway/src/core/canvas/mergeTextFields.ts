import type { RootKind } from '@easel/schemas';

/** Text fields per root (`{<root>: [key, ...]}`), as a manifest's `text_fields` declares them. */
export type TextFieldMap = Readonly<Record<string, readonly string[]>>;

/** No text fields. */
export const NO_TEXT_FIELDS: TextFieldMap = Object.freeze({});

/**
 * The text fields of `base` extended by those `extra` declares for roots that `roots` declares as
 * `map` or `array` (other roots of `extra` cannot hold text fields in this canvas: ignored). Keys
 * keep their first-seen order; the result is `base` itself when `extra` adds nothing.
 */
export function mergeTextFields(
  roots: Readonly<Record<string, RootKind>>,
  base: TextFieldMap,
  extra: TextFieldMap | undefined,
): TextFieldMap {
  if (extra === undefined) return base;
  let out: Record<string, readonly string[]> | null = null;
  for (const [root, keys] of Object.entries(extra)) {
    const kind = Object.hasOwn(roots, root) ? roots[root] : undefined;
    if (kind !== 'map' && kind !== 'array') continue;
    const have = Object.hasOwn(base, root) ? base[root]! : [];
    const added = keys.filter((k, i) => !have.includes(k) && keys.indexOf(k) === i);
    if (added.length === 0) continue;
    out ??= { ...base };
    out[root] = [...have, ...added];
  }
  return out === null ? base : Object.freeze(out);
}

/** True when some root declares at least one text field. */
export function hasTextFieldsIn(fields: TextFieldMap): boolean {
  for (const root in fields) if (Object.hasOwn(fields, root) && fields[root]!.length > 0) return true;
  return false;
}
