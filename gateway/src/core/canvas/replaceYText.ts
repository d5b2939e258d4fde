import type * as Y from 'yjs';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Makes `text` read `next` in place (inside the caller's transaction): deletes and inserts only the
 * span between the common prefix and suffix of its current content and `next`, never splitting a
 * UTF-16 surrogate pair. The Y.Text stays the same object, so collaborators editing it concurrently
 * keep editing the text everyone sees, and their insertions outside the rewritten span keep their
 * place. A no-op when the content is already `next`.
 */
export function replaceYText(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  const max = Math.min(current.length, next.length);
  let start = 0;
  while (start < max && current.charCodeAt(start) === next.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < max - start && current.charCodeAt(current.length - 1 - end) === next.charCodeAt(next.length - 1 - end))
    end++;
  if (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
  const remove = current.length - start - end;
  if (remove > 0) text.delete(start, remove);
  const insert = next.slice(start, next.length - end);
  if (insert !== '') text.insert(start, insert);
}
