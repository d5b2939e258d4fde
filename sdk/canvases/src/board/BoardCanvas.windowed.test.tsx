// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { boardCanvas } from './boardCanvas.ts';

afterEach(cleanup);

const COUNT = 300;
const seed = Array.from({ length: COUNT }, (_, i) => ({
  op: 'insert' as const,
  root: 'notes',
  key: `n${i}`,
  value: { text: `note ${i}`, column: 'todo', order: i },
}));

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
    act(() => {
      list.scrollTop = 48 * 285;
      fireEvent.scroll(list);
    });
    expect(within(column).getByTestId('note-n290').textContent).toContain('note 290');
    expect(within(column).queryByTestId('note-n0')).toBeNull();
  });
});
