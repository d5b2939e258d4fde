import { type FocusEvent, type ReactNode, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { windowRows } from './windowRows.ts';

/** Props of {@link WindowedList}. */
export interface WindowedListProps {
  /** Rows in the list. */
  count: number;
  /** Renders row `index` as one `<li>` (it receives `data-index` from the list). */
  renderRow: (index: number) => ReactNode;
  /** First guess of a row's height, px (replaced by the measured average once rendered). */
  estimateRowHeight: number;
  /** Lists up to this many rows render whole (no window). Default 100. */
  threshold?: number;
  /** Rows rendered beyond each edge of the viewport. Default 10. */
  overscan?: number;
  /** Height of the scrolling viewport when windowed (CSS). Default `70vh`. */
  maxHeight?: string;
  /** The list element. Default `ol`. */
  as?: 'ol' | 'ul';
  className?: string;
}

/**
 * A list that renders only the visible rows (plus overscan) once it is long; gaps are `aria-hidden`
 * spacer `<li>`s sized with the measured average row height, so the scroll height stays right.
 * The row holding focus stays rendered when it scrolls away, so typing in it is never cut off.
 */
export function WindowedList({
  count,
  renderRow,
  estimateRowHeight,
  threshold = 100,
  overscan = 10,
  maxHeight = '70vh',
  as: List = 'ol',
  className,
}: WindowedListProps) {
  const ref = useRef<HTMLOListElement & HTMLUListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const [rowHeight, setRowHeight] = useState(estimateRowHeight);
  const [pinned, setPinned] = useState(-1);
  const windowed = count > threshold;

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (el) setScrollTop(el.scrollTop);
  }, []);

  // Measure the viewport and the average height of the rendered rows after each render.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!windowed || !el) return;
    if (el.clientHeight > 0 && el.clientHeight !== viewport) setViewport(el.clientHeight);
    let sum = 0;
    let rows = 0;
    for (const child of Array.from(el.children)) {
      if (!(child instanceof HTMLElement) || child.dataset.index === undefined) continue;
      sum += child.offsetHeight;
      rows++;
    }
    if (rows > 0 && sum > 0) {
      const average = sum / rows;
      if (Math.abs(average - rowHeight) / rowHeight > 0.1) setRowHeight(average);
    }
  });

  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (row?.parentElement === ref.current && row.dataset.index !== undefined) setPinned(Number(row.dataset.index));
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
  const items = windowRows({ count, scrollTop, viewport, rowHeight, overscan, pinned });
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
            style={{ height: item.rows * rowHeight, listStyle: 'none', margin: 0, padding: 0 }}
          />
        ),
      )}
    </List>
  );
}
