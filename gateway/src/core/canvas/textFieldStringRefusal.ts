import * as Y from 'yjs';
import { fail, type Result } from '../errors/GatewayError.ts';
import type { Placement } from './yRoots.ts';

// The text-field rule of raw updates (WIRE-NOTES "Text fields"): no plain string under a declared key.

/** Whether a canvas declares any text field (own keys only). */
export function hasTextFields(
  fields: Readonly<Record<string, readonly string[]>> | undefined,
): fields is Readonly<Record<string, readonly string[]>> {
  if (fields === undefined) return false;
  for (const root in fields) if (Object.hasOwn(fields, root)) return true;
  return false;
}

/** True when the item's content is (or holds) a plain string value. */
export function holdsString(content: Y.Item['content']): boolean {
  if (content instanceof Y.ContentString) return true;
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
    return content.arr.some((v: unknown) => typeof v === 'string');
  }
  return false;
}

/** The placement is a declared text-field key of a Y.Map nested inside its root. */
export function isTextField(fields: Readonly<Record<string, readonly string[]>>, p: Placement): boolean {
  if (p.direct || !p.inMap || p.sub === null || !Object.hasOwn(fields, p.root)) return false;
  return fields[p.root]!.includes(p.sub);
}

/** 400: a plain string set at a text field by a raw update (WIRE-NOTES "Text fields"). */
export function textFieldStringRefusal(canvasType: string, root: string, key: string): Result<never> {
  return fail(
    'validation_failed',
    `state.update: ${root}[…].${key} is a text field of canvas type '${canvasType}'; set a Y.Text, not a string`,
    { root, key },
  );
}
