/** One splice turning a text into another: delete `remove` characters at `index`, then insert `insert`. */
export interface TextSplice {
  index: number;
  remove: number;
  insert: string;
}

/**
 * The smallest single splice from `before` to `after` (common prefix and suffix kept), or null when
 * they are equal. Applied to a Y.Text this keeps concurrent edits elsewhere in the text intact.
 * Never splits a UTF-16 surrogate pair.
 */
export function textDiff(before: string, after: string): TextSplice | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) {
    end++;
  }
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  return {
    index: start,
    remove: before.length - start - end,
    insert: after.slice(start, after.length - end),
  };
}

/** Applies a splice to a string (the inverse check of {@link textDiff}). */
export function applySplice(text: string, splice: TextSplice): string {
  return text.slice(0, splice.index) + splice.insert + text.slice(splice.index + splice.remove);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
