/**
 * Anchored glob match where `*` (the only wildcard) matches any run of characters, dots
 * included: `plan.*` matches `plan.title`, `*` matches everything, `notes` only `notes`.
 * Linear-time two-pointer algorithm; no regular expressions.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** True when any of `patterns` matches `name`. */
export function globMatchAny(patterns: readonly string[], name: string): boolean {
  for (const pattern of patterns) if (globMatch(pattern, name)) return true;
  return false;
}
