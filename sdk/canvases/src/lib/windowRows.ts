/** One entry of a windowed list: a row to render, or a gap of `rows` unrendered rows (a spacer). */
export type WindowItem = { kind: 'row'; index: number } | { kind: 'gap'; from: number; rows: number };

/** Inputs of {@link windowRows}. */
export interface WindowInput {
  /** Rows in the list. */
  count: number;
  /** Scroll offset of the list's viewport, px. */
  scrollTop: number;
  /** Height of the viewport, px (0 or less: a default of 800 is used). */
  viewport: number;
  /** Estimated (or measured average) row height, px, > 0. */
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport. */
  overscan: number;
  /**
   * Rows kept rendered wherever they are (the one holding focus, a list's one Tab stop): an index,
   * or a list of them; -1 (or any index out of range) pins nothing.
   */
  pinned: number | readonly number[];
}

/** Most rows ever rendered at once (bounds the work for absurd viewports). */
export const MAX_WINDOW_ROWS = 500;

/** Most pinned rows honoured (the rest are ignored). */
export const MAX_PINNED = 8;

/**
 * The visible window of a list plus overscan, as rows and gaps in order. Gaps cover every row not
 * rendered, so `sum(gap.rows) + rows rendered === count`. Pure; never throws.
 */
export function windowRows(input: WindowInput): WindowItem[] {
  const count = Math.max(0, Math.floor(input.count));
  if (count === 0) return [];
  const rowHeight = input.rowHeight > 0 && Number.isFinite(input.rowHeight) ? input.rowHeight : 24;
  const viewport = input.viewport > 0 && Number.isFinite(input.viewport) ? input.viewport : 800;
  const scrollTop = Number.isFinite(input.scrollTop) ? Math.max(0, input.scrollTop) : 0;
  const overscan = Math.max(0, Math.floor(input.overscan));
  const first = Math.min(count - 1, Math.floor(scrollTop / rowHeight));
  const visible = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, start + Math.min(MAX_WINDOW_ROWS, visible + 2 * overscan));
  const pins = new Set<number>();
  for (const pin of typeof input.pinned === 'number' ? [input.pinned] : input.pinned.slice(0, MAX_PINNED)) {
    if (Number.isInteger(pin) && pin >= 0 && pin < count && (pin < start || pin >= end)) pins.add(pin);
  }
  const sorted = [...pins].sort((a, b) => a - b);
  const indices: number[] = sorted.filter((pin) => pin < start);
  for (let i = start; i < end; i++) indices.push(i);
  for (const pin of sorted) if (pin >= end) indices.push(pin);
  const out: WindowItem[] = [];
  let next = 0;
  for (const index of indices) {
    if (index > next) out.push({ kind: 'gap', from: next, rows: index - next });
    out.push({ kind: 'row', index });
    next = index + 1;
  }
  if (next < count) out.push({ kind: 'gap', from: next, rows: count - next });
  return out;
}
