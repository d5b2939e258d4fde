import { type FocusEvent, type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { windowRows } from './windowRows.ts';

/** Props of {@link WindowedList}. */
export interface WindowedListProps {
  /** Rows in the list. */
  count: number;
  /** Renders row `index` as one `<li>` (it receives `data-index` from the list). */
  renderRow: (index: number) => ReactNode;
  /** First guess of a row's height, px (replaced by the measured average once the rows are laid out). */
  estimateRowHeight: number;
  /** Lists up to this many rows render whole (no window). Default 100. */
  threshold?: number;
  /**
   * Rows rendered beyond each edge of the viewport. Default 10. The first render has none (only the
   * rows in view); they are added when the main thread is first idle, or on the first scroll or focus.
   */
  overscan?: number;
  /** Height of the scrolling viewport when windowed (CSS). Default `70vh`. */
  maxHeight?: string;
  /**
   * A row kept rendered however far the list is scrolled from it (in its place, between the
   * spacers): e.g. the list's one Tab stop under a roving tabindex, which must stay in the document
   * for Tab to reach the list. Default none (-1).
   */
  keep?: number;
  /** The list element. Default `ol`. */
  as?: 'ol' | 'ul';
  className?: string;
}

/**
 * A list that renders only the visible rows (plus overscan) once it is long; gaps are `aria-hidden`
 * spacer `<li>`s sized with the measured average row height, so the scroll height stays right.
 * The row holding focus stays rendered when it scrolls away, so typing in it is never cut off, and so
 * does the row named by `keep`.
 *
 * First render: the viewport height is taken from `maxHeight` when it is in `vh` or `px` (no layout
 * read), rows are `estimateRowHeight` tall, and only the rows in view are rendered; before that
 * commit is painted, one layout read of the rendered rows corrects a wrong estimate (the corrected
 * window is rendered in the same frame, not in a second one after the paint); the overscan
 * follows once the main thread is idle, so the first paint costs only what is on screen.
 */
export function WindowedList({
  count,
  renderRow,
  estimateRowHeight,
  threshold = 100,
  overscan = 10,
  maxHeight = '70vh',
  keep = -1,
  as: List = 'ol',
  className,
}: WindowedListProps) {
  const ref = useRef<HTMLOListElement & HTMLUListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(() => viewportGuess(maxHeight));
  const [rowHeight, setRowHeight] = useState(estimateRowHeight);
  const [pinned, setPinned] = useState(-1);
  const [overscanReady, setOverscanReady] = useState(false);
  const windowed = count > threshold;

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (el) setScrollTop(el.scrollTop);
    setOverscanReady(true);
  }, []);

  // The overscan rows are for scrolling and keyboard focus moves, not for the first paint.
  useEffect(() => {
    if (!windowed || overscanReady) return;
    return whenIdle(() => setOverscanReady(true));
  }, [windowed, overscanReady]);

  // Once, before the first paint of a windowed list: the rendered rows' real height and the
  // viewport, read in one layout, so a wrong estimate is corrected before anything is shown (rows
  // are memoized: the corrected render only adds or drops rows) instead of by a second render
  // right after the first paint.
  const measuredFirst = useRef(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!windowed || measuredFirst.current || el === null) return;
    measuredFirst.current = true;
    const measured = firstMeasure(el);
    if (measured === null) return;
    if (measured.viewport > 0) setViewport(measured.viewport);
    setRowHeight((current) =>
      Math.abs(measured.rowHeight - current) / current > ROW_HEIGHT_SLACK ? measured.rowHeight : current,
    );
  }, [windowed]);

  // Measure lazily: a ResizeObserver reports the viewport and the rendered rows' heights after the
  // browser's own layout, so no render forces a synchronous layout (the first window uses
  // `estimateRowHeight`; later windows the measured average).
  const observer = useRef<RowObserver | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!windowed || !el || typeof ResizeObserver === 'undefined') return;
    const rows = new RowObserver(el, setViewport, setRowHeight);
    observer.current = rows;
    return () => {
      observer.current = null;
      rows.disconnect();
    };
  }, [windowed]);
  // After each commit, start observing the rows it added (reading `children` does not lay out).
  useEffect(() => {
    observer.current?.sync();
  });

  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (row?.parentElement === ref.current && row.dataset.index !== undefined) setPinned(Number(row.dataset.index));
    setOverscanReady(true);
  }, []);
  const onBlur = useCallback((event: FocusEvent<HTMLElement>) => {
    const next = event.relatedTarget as Node | null;
    if (next === null || !ref.current?.contains(next)) setPinned(-1);
  }, []);

  if (!windowed) {
    return (
      <List className={className} ref={ref}>
        {Array.from({ length: count }, (_, index) => renderRow(index))}
      </List>
    );
  }
  const items = windowRows({
    count,
    scrollTop,
    viewport,
    rowHeight,
    overscan: overscanReady ? overscan : 0,
    pinned: [pinned, keep],
  });
  return (
    <List
      className={className}
      ref={ref}
      data-windowed="true"
      style={{ maxHeight, overflowY: 'auto' }}
      onScroll={onScroll}
      onFocus={onFocus}
      onBlur={onBlur}
    >
      {items.map((item) =>
        item.kind === 'row' ? (
          renderRow(item.index)
        ) : (
          <li
            key={`gap-${item.from}`}
            aria-hidden="true"
            className="easel-window-gap"
            // flexShrink 0: in a flex column (a host's list style) a spacer shrank to nothing, the list
            // could not scroll past its first window and no later row was ever rendered.
            style={{ height: item.rows * rowHeight, flexShrink: 0, listStyle: 'none', margin: 0, padding: 0 }}
          />
        ),
      )}
    </List>
  );
}

/** The average height of `list`'s rendered rows and its viewport height (one layout); null without rows. */
function firstMeasure(list: HTMLElement): { rowHeight: number; viewport: number } | null {
  let sum = 0;
  let rows = 0;
  for (const child of Array.from(list.children)) {
    if (child instanceof HTMLElement && child.dataset.index !== undefined) {
      const height = child.getBoundingClientRect().height;
      if (height > 0) {
        sum += height;
        rows++;
      }
    }
  }
  return rows === 0 ? null : { rowHeight: sum / rows, viewport: list.clientHeight };
}

/** Longest wait for an idle period before the overscan rows are rendered anyway, ms. */
const IDLE_TIMEOUT_MS = 500;

/** Runs `run` once the main thread is idle (`requestIdleCallback`, else a timeout); returns a cancel. */
function whenIdle(run: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(run, 50);
  return () => clearTimeout(handle);
}

/**
 * The viewport height a `maxHeight` of `Nvh` or `Npx` gives (the window's height is known without a
 * layout); 0 (windowRows' default) for any other CSS length or outside a browser.
 */
export function viewportGuess(maxHeight: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)(vh|px)\s*$/.exec(maxHeight);
  if (!match) return 0;
  const value = Number(match[1]);
  if (match[2] === 'px') return value;
  const height = typeof window === 'undefined' ? 0 : window.innerHeight;
  return Number.isFinite(height) && height > 0 ? (height * value) / 100 : 0;
}

/** Largest relative change of the average row height that is ignored (keeps the window steady). */
const ROW_HEIGHT_SLACK = 0.1;

/**
 * Watches a windowed list with one ResizeObserver: the list itself (viewport height) and each
 * rendered row (`data-index`). Sizes come from the observer's entries, delivered after layout, so
 * measuring never forces one.
 */
class RowObserver {
  readonly #list: HTMLElement;
  readonly #observer: ResizeObserver;
  readonly #heights = new Map<Element, number>();
  readonly #setViewport: (px: number) => void;
  readonly #setRowHeight: (update: (px: number) => number) => void;

  constructor(list: HTMLElement, setViewport: (px: number) => void, setRowHeight: (u: (px: number) => number) => void) {
    this.#list = list;
    this.#setViewport = setViewport;
    this.#setRowHeight = setRowHeight;
    this.#observer = new ResizeObserver((entries) => this.#measured(entries));
    this.#observer.observe(list);
    this.sync();
  }

  /** Observes rows that appeared since the last call and forgets rows that left the list. */
  sync(): void {
    for (const row of this.#heights.keys()) {
      if (row.parentElement !== this.#list) {
        this.#observer.unobserve(row);
        this.#heights.delete(row);
      }
    }
    for (const child of Array.from(this.#list.children)) {
      if (child instanceof HTMLElement && child.dataset.index !== undefined && !this.#heights.has(child)) {
        this.#heights.set(child, 0);
        this.#observer.observe(child);
      }
    }
  }

  disconnect(): void {
    this.#observer.disconnect();
    this.#heights.clear();
  }

  #measured(entries: readonly ResizeObserverEntry[]): void {
    let rowsChanged = false;
    for (const entry of entries) {
      if (entry.target === this.#list) {
        // Layout is clean inside an observer callback: this read does not force one.
        const viewport = this.#list.clientHeight;
        if (viewport > 0) this.#setViewport(viewport);
      } else if (this.#heights.has(entry.target)) {
        this.#heights.set(entry.target, entry.borderBoxSize?.[0]?.blockSize ?? entry.contentRect.height);
        rowsChanged = true;
      }
    }
    if (!rowsChanged) return;
    let sum = 0;
    let rows = 0;
    for (const [row, height] of this.#heights) {
      if (height > 0 && row.parentElement === this.#list) {
        sum += height;
        rows++;
      }
    }
    if (rows === 0) return;
    const average = sum / rows;
    this.#setRowHeight((current) => (Math.abs(average - current) / current > ROW_HEIGHT_SLACK ? average : current));
  }
}
