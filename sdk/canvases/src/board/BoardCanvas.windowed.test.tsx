// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { boardCanvas } from './boardCartridge.ts';

afterEach(cleanup);

const COUNT = 300;
const seed = Array.from({ length: COUNT }, (_, i) => ({
  op: 'insert' as const,
  root: 'notes',
  key: `n${i}`,
  value: { text: `note ${i}`, column: 'todo', order: i },
}));

/** Scrolls a windowed list to `top` px and lets it render its new window. */
function scrollTo(list: HTMLElement, top: number): void {
  act(() => {
    list.scrollTop = top;
    fireEvent.scroll(list);
  });
}

/** The column's note cards a Tab press can land on (tabIndex 0), by test id, in document order. */
const cardStops = (column: HTMLElement) =>
  [...column.getElementsByClassName('easel-board-note')]
    .filter((el) => (el as HTMLElement).tabIndex === 0)
    .map((el) => (el as HTMLElement).dataset.testid);

describe('board cartridge, long columns', () => {
  it('renders a window of a long column; scrolling shows later notes with their test ids', () => {
    renderCartridge(boardCanvas, { seed });
    const column = screen.getByTestId('column-todo');
    const list = column.querySelector('ul')!;
    expect(list.getAttribute('data-windowed')).toBe('true');
    const rendered = column.getElementsByClassName('easel-board-note').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(COUNT);
    expect(within(column).queryByTestId('note-n290')).toBeNull();
    expect(screen.getByRole('heading', { level: 3, name: `todo (${COUNT})` })).toBeTruthy();
    scrollTo(list, 48 * 285);
    expect(within(column).getByTestId('note-n290').textContent).toContain('note 290');
    // Only the column's Tab stop (its first note) stays rendered above the window.
    expect(within(column).queryByTestId('note-n1')).toBeNull();
    expect(within(column).queryByTestId('note-n200')).toBeNull();
  });
});

describe('board keyboard in a windowed column: the column keeps its one Tab stop', () => {
  it('scrolled far from its Tab stop (the first note), the column still has that card as a Tab stop', () => {
    renderCartridge(boardCanvas, { seed });
    const column = screen.getByTestId('column-todo');
    expect(cardStops(column)).toEqual(['note-n0']);
    scrollTo(column.querySelector('ul')!, 48 * 200);
    expect(within(column).getByTestId('note-n205').tabIndex).toBe(-1);
    // The Tab stop is still in the document, in its place (before the rows in view).
    expect(cardStops(column)).toEqual(['note-n0']);
    const cards = [...column.getElementsByClassName('easel-board-note')].map(
      (el) => (el as HTMLElement).dataset.testid,
    );
    expect(cards[0]).toBe('note-n0');
    expect(cards[1]).not.toBe('note-n1');
  });

  it('the note focused last stays the Tab stop after focus leaves the column and it scrolls back', async () => {
    renderCartridge(boardCanvas, { seed });
    const column = screen.getByTestId('column-todo');
    const list = column.querySelector('ul')!;
    screen.getByTestId('note-n0').focus();
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(document.activeElement).toBe(screen.getByTestId('note-n299'));
    // Focus leaves the column (to the "New note" field), then the column is scrolled to its top.
    act(() => screen.getByRole('textbox', { name: 'New note' }).focus());
    scrollTo(list, 0);
    expect(within(column).getByTestId('note-n0').tabIndex).toBe(-1);
    expect(cardStops(column)).toEqual(['note-n299']);
    // Tab lands on it, and the arrows go on from there.
    act(() => screen.getByTestId('note-n299').focus());
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(document.activeElement).toBe(screen.getByTestId('note-n298'));
    expect(cardStops(column)).toEqual(['note-n298']);
  });
});
