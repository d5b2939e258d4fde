// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { boardCanvas } from './boardCartridge.ts';

afterEach(cleanup);

const notes = (column: string, count: number, prefix = column) =>
  Array.from({ length: count }, (_, i) => ({
    op: 'insert' as const,
    root: 'notes',
    key: `${prefix}${i}`,
    value: { text: `${column} note ${i}`, column, order: i },
  }));

/** Elements a Tab press can land on (no layout in happy-dom: tabIndex ≥ 0 and not disabled). */
function tabStops(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('button, select, input, textarea, a[href], [tabindex]')].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled,
  );
}

const card = (id: string) => screen.getByTestId(`note-${id}`);
const key = (k: string) => fireEvent.keyDown(document.activeElement!, { key: k });

describe('board keyboard: one Tab stop per column, arrow keys between notes', () => {
  it('a column of 100 notes is one card Tab stop plus that card’s own controls (not ≈ 300)', () => {
    renderCartridge(boardCanvas, { seed: notes('todo', 100, 't') });
    const column = screen.getByTestId('column-todo');
    expect(column.getElementsByClassName('easel-board-note')).toHaveLength(100);
    const stops = tabStops(column);
    expect(stops).toHaveLength(4);
    expect(stops[0]).toBe(card('t0'));
    expect(stops.map((el) => el.getAttribute('aria-label') ?? el.dataset.testid)).toEqual([
      'note-t0',
      'Edit todo note 0',
      'Move todo note 0 to column',
      'Delete todo note 0',
    ]);
  });

  it('Up/Down/Home/End move focus within a column and the focused card becomes its Tab stop', () => {
    renderCartridge(boardCanvas, { seed: notes('todo', 5, 't') });
    card('t0').focus();
    key('ArrowDown');
    expect(document.activeElement).toBe(card('t1'));
    expect(card('t1').tabIndex).toBe(0);
    expect(card('t0').tabIndex).toBe(-1);
    expect(within(card('t0')).getByRole('button', { name: 'Edit todo note 0' }).tabIndex).toBe(-1);
    expect(within(card('t1')).getByRole('button', { name: 'Edit todo note 1' }).tabIndex).toBe(0);
    key('End');
    expect(document.activeElement).toBe(card('t4'));
    key('ArrowDown');
    expect(document.activeElement).toBe(card('t4'));
    key('ArrowUp');
    expect(document.activeElement).toBe(card('t3'));
    key('Home');
    expect(document.activeElement).toBe(card('t0'));
    key('ArrowUp');
    expect(document.activeElement).toBe(card('t0'));
  });

  it('Left/Right move to the next non-empty column at about the same index; each column remembers its stop', () => {
    // todo: 4 notes, doing: none, done: 2.
    renderCartridge(boardCanvas, { seed: [...notes('todo', 4, 't'), ...notes('done', 2, 'd')] });
    card('t3').focus();
    key('ArrowRight'); // skips the empty "doing", lands on done's last note (index 3 → 1)
    expect(document.activeElement).toBe(card('d1'));
    key('ArrowRight');
    expect(document.activeElement).toBe(card('d1'));
    key('ArrowUp');
    key('ArrowLeft');
    expect(document.activeElement).toBe(card('t0'));
    // Each column keeps one Tab stop: todo's t0 (focused), done's d0 (last focused there).
    expect(tabStops(screen.getByTestId('column-todo'))[0]).toBe(card('t0'));
    expect(tabStops(screen.getByTestId('column-done'))[0]).toBe(card('d0'));
    expect(card('d1').tabIndex).toBe(-1);
  });

  it('Enter or F2 on a card edits it; Escape cancels and Save commits, focus back on the card', () => {
    const { emitter } = renderCartridge(boardCanvas, { seed: notes('todo', 2, 't') });
    card('t1').focus();
    key('Enter');
    const editor = screen.getByLabelText('Note text');
    expect(document.activeElement).toBe(editor);
    fireEvent.keyDown(editor, { key: 'Escape' });
    expect(screen.queryByLabelText('Note text')).toBeNull();
    expect(document.activeElement).toBe(card('t1'));
    key('F2');
    fireEvent.change(screen.getByLabelText('Note text'), { target: { value: 'renamed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(emitter.allOps().at(-1)).toEqual({
      op: 'update',
      root: 'notes',
      key: 't1',
      path: ['text'],
      value: 'renamed',
    });
    expect(document.activeElement).toBe(card('t1'));
    // Keys pressed inside the card's controls are theirs, not the board's.
    within(card('t1')).getByRole('button', { name: /^Edit/ }).focus();
    key('ArrowUp');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Edit renamed');
  });

  it('read-only: the arrows still move between cards, Enter edits nothing', () => {
    renderCartridge(boardCanvas, { seed: notes('todo', 3, 't'), readOnly: true });
    expect(tabStops(screen.getByTestId('column-todo'))).toEqual([card('t0')]);
    card('t0').focus();
    key('ArrowDown');
    expect(document.activeElement).toBe(card('t1'));
    key('Enter');
    expect(screen.queryByLabelText('Note text')).toBeNull();
  });

  it('in a windowed column, End scrolls to the last note and focuses it once rendered', async () => {
    renderCartridge(boardCanvas, { seed: notes('todo', 300, 't') });
    expect(screen.queryByTestId('note-t299')).toBeNull();
    card('t0').focus();
    key('End');
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(document.activeElement).toBe(card('t299'));
    key('ArrowUp');
    expect(document.activeElement).toBe(card('t298'));
  });
});
