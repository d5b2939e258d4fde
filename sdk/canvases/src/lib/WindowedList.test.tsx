// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { viewportGuess, WindowedList } from './WindowedList.tsx';

// happy-dom has no layout: this ResizeObserver stands in for the browser's, delivering the sizes
// a test chooses (the way a browser delivers them after its own layout).
class TestResizeObserver {
  static all: TestResizeObserver[] = [];
  readonly targets = new Set<Element>();
  constructor(readonly callback: ResizeObserverCallback) {
    TestResizeObserver.all.push(this);
  }
  observe(target: Element) {
    this.targets.add(target);
  }
  unobserve(target: Element) {
    this.targets.delete(target);
  }
  disconnect() {
    this.targets.clear();
  }
  /** Reports every observed row as `height` px tall. */
  rowsAre(height: number) {
    const entries = [...this.targets]
      .filter((t) => (t as HTMLElement).dataset.index !== undefined)
      .map((target) => ({ target, borderBoxSize: [{ blockSize: height, inlineSize: 100 }], contentRect: { height } }));
    this.callback(entries as unknown as ResizeObserverEntry[], this as unknown as ResizeObserver);
  }
}

beforeEach(() => {
  TestResizeObserver.all = [];
  vi.stubGlobal('ResizeObserver', TestResizeObserver);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = (index: number) => (
  <li key={index} data-index={index}>
    Row {index}
  </li>
);
const gapHeights = (container: HTMLElement) =>
  Array.from(container.querySelectorAll<HTMLElement>('.easel-window-gap'), (g) => Number.parseFloat(g.style.height));

describe('WindowedList', () => {
  it('keeps the row named by `keep` rendered in its place, however far the list scrolls from it', () => {
    const { container } = render(
      <WindowedList count={1000} renderRow={row} estimateRowHeight={20} maxHeight="100px" keep={3} />,
    );
    const list = container.querySelector<HTMLElement>('[data-windowed]')!;
    act(() => {
      list.scrollTop = 20 * 600;
      fireEvent.scroll(list);
    });
    const indices = Array.from(container.querySelectorAll<HTMLElement>('[data-index]'), (r) => Number(r.dataset.index));
    expect(indices[0]).toBe(3);
    expect(indices[1]).toBeGreaterThan(500);
    // Gaps before and after row 3, then the window: every row is still accounted for.
    expect(gapHeights(container).reduce((a, b) => a + b, 0)).toBe((1000 - indices.length) * 20);
  });

  it('spacers never shrink (a flex column list style squeezed them, and the list stopped scrolling)', () => {
    const { container } = render(<WindowedList count={1000} renderRow={row} estimateRowHeight={20} />);
    const gaps = Array.from(container.querySelectorAll<HTMLElement>('.easel-window-gap'));
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap.style.flexShrink).toBe('0');
  });

  it('sizes the first window with the estimate, then with the row heights the observer reports', () => {
    const { container } = render(<WindowedList count={1000} renderRow={row} estimateRowHeight={20} />);
    const rendered = container.querySelectorAll('[data-index]').length;
    expect(gapHeights(container)).toEqual([(1000 - rendered) * 20]);
    const observer = TestResizeObserver.all[0]!;
    // The list and every rendered row are observed.
    expect(observer.targets.size).toBe(rendered + 1);
    act(() => observer.rowsAre(40));
    const after = container.querySelectorAll('[data-index]').length;
    expect(gapHeights(container)).toEqual([(1000 - after) * 40]);
    // Rows that left the list are no longer observed; the new ones are.
    expect(observer.targets.size).toBe(after + 1);
    // A change within 10 % keeps the window steady.
    act(() => observer.rowsAre(42));
    expect(gapHeights(container)).toEqual([(1000 - after) * 40]);
  });

  it('corrects a wrong estimate from one measurement before the first paint (in the same commit)', () => {
    // happy-dom has no layout: rows report 10 px and the list a 100 px viewport, as a browser would.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      return { height: this.dataset.index === undefined ? 0 : 10 } as DOMRect;
    });
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.tagName === 'OL' ? 100 : 0;
    });
    try {
      const { container } = render(
        <WindowedList count={1000} renderRow={row} estimateRowHeight={40} maxHeight="100px" />,
      );
      // render() returns after the commit and its layout effects: 100 / 10 + 1 rows, not 100 / 40 + 1.
      expect(container.querySelectorAll('[data-index]')).toHaveLength(11);
      expect(gapHeights(container)).toEqual([(1000 - 11) * 10]);
      // The observer's first report (same heights) changes nothing.
      act(() => TestResizeObserver.all[0]!.rowsAre(10));
      expect(container.querySelectorAll('[data-index]')).toHaveLength(11);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a short list renders whole and observes nothing', () => {
    const { container } = render(<WindowedList count={5} renderRow={row} estimateRowHeight={20} />);
    expect(container.querySelectorAll('[data-index]')).toHaveLength(5);
    expect(TestResizeObserver.all).toHaveLength(0);
  });

  it('renders only the rows in view at first (viewport from a px maxHeight), then the overscan once idle', async () => {
    const { container } = render(
      <WindowedList count={1000} renderRow={row} estimateRowHeight={20} maxHeight="100px" overscan={10} />,
    );
    // 100 px / 20 px + 1 partly visible row; no overscan yet.
    expect(container.querySelectorAll('[data-index]')).toHaveLength(6);
    expect(gapHeights(container)).toEqual([(1000 - 6) * 20]);
    // Once idle (a loaded machine may get there late): the rows in view plus 2 × overscan (at the
    // top, all of it below).
    await waitFor(() => expect(container.querySelectorAll('[data-index]')).toHaveLength(26), { timeout: 5000 });
    expect(gapHeights(container)).toEqual([(1000 - 26) * 20]);
  });

  it('the first scroll or focus in the list brings the overscan rows at once', () => {
    const scrolled = render(<WindowedList count={1000} renderRow={row} estimateRowHeight={20} maxHeight="100px" />);
    const list = scrolled.container.querySelector('ol')!;
    act(() => {
      list.scrollTop = 200;
      fireEvent.scroll(list);
    });
    // Rows 10..15 in view, 10 overscan rows on each side.
    const shown = Array.from(scrolled.container.querySelectorAll<HTMLElement>('[data-index]'), (r) => r.dataset.index);
    expect(shown[0]).toBe('0');
    expect(shown.at(-1)).toBe('25');
    cleanup();
    const focused = render(
      <WindowedList
        count={1000}
        renderRow={(index) => (
          <li key={index} data-index={index}>
            <input aria-label={`Row ${index}`} />
          </li>
        )}
        estimateRowHeight={20}
        maxHeight="100px"
      />,
    );
    act(() => (focused.getByLabelText('Row 2') as HTMLInputElement).focus());
    expect(focused.container.querySelectorAll('[data-index]')).toHaveLength(26);
  });

  it('guesses the viewport from a maxHeight in vh or px without layout; other lengths are unknown (0)', () => {
    expect(viewportGuess('70vh')).toBeCloseTo(window.innerHeight * 0.7);
    expect(viewportGuess('320px')).toBe(320);
    expect(viewportGuess(' 12.5vh ')).toBeCloseTo(window.innerHeight * 0.125);
    expect(viewportGuess('calc(100vh - 4rem)')).toBe(0);
    expect(viewportGuess('30em')).toBe(0);
  });
});
