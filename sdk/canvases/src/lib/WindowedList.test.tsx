// @vitest-environment happy-dom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WindowedList } from './WindowedList.tsx';

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

  it('a short list renders whole and observes nothing', () => {
    const { container } = render(<WindowedList count={5} renderRow={row} estimateRowHeight={20} />);
    expect(container.querySelectorAll('[data-index]')).toHaveLength(5);
    expect(TestResizeObserver.all).toHaveLength(0);
  });
});
