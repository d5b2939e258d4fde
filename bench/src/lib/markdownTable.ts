import { fmt } from './format.ts';
import type { Spread } from './stats.ts';

/** A GitHub-flavoured markdown table. */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/**
 * A spread over rounds as a cell: `**median** (min–max)`, or `**median**` for one round, `—` for
 * none. `show` formats a value: a function, a digit count (`toFixed`), or `fmt` (1.2k, 3.4M) by default.
 */
export function spreadCell(s: Spread | null | undefined, show: number | ((v: number) => string) = fmt): string {
  if (!s) return '—';
  const f = typeof show === 'number' ? (v: number): string => v.toFixed(show) : show;
  return s.n > 1 ? `**${f(s.median)}** (${f(s.min)}–${f(s.max)})` : `**${f(s.median)}**`;
}
