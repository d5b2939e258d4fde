import type { JsonValue } from '@easel/schemas';

/**
 * `value` when its JSON is at most `maxBytes`, else a stand-in that says so
 * (`{truncated: true, bytes, preview}`), so a run event stays under the event size limit
 * (contract §4). Values that are not JSON become null. Never throws.
 */
export function clipJson(value: unknown, maxBytes: number): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return null;
  }
  if (text === undefined) return null;
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return JSON.parse(text) as JsonValue;
  return { truncated: true, bytes, preview: text.slice(0, Math.max(0, Math.min(200, maxBytes - 100))) };
}

/** `text` cut to `max` characters (with an ellipsis when cut). */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
