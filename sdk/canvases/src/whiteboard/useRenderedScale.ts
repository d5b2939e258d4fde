import { type RefObject, useEffect, useState } from 'react';

/**
 * Screen pixels per user unit of an SVG whose viewBox is `viewWidth` wide, as laid out (its
 * rendered width ÷ `viewWidth`), kept current by a ResizeObserver; null until measured (or where
 * there is no ResizeObserver). For drawing things at a constant screen size inside a scaled SVG.
 */
export function useRenderedScale(ref: RefObject<SVGSVGElement | null>, viewWidth: number): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box !== undefined && box.width > 0) setWidth(box.width);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width === null || !(viewWidth > 0) ? null : width / viewWidth;
}
