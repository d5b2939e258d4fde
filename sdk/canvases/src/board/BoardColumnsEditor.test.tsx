// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { BoardCanvas } from './BoardCanvas.tsx';
import { boardCanvas } from './boardCartridge.ts';

afterEach(cleanup);

const seed = [
  { op: 'insert' as const, root: 'notes', key: 'n1', value: { text: 'Write brief', column: 'todo', order: 0 } },
];

type BoardProps = Parameters<typeof BoardCanvas>[0];
/** The board as the host mounts it, for a viewer the lens lets change `board.columns`… */
const allowedBoard = {
  ...boardCanvas,
  Component: (props: BoardProps) => <BoardCanvas {...props} columnsAccess={{ canWrite: true, reason: null }} />,
};
/** … and for one it does not (a planner in the demo policy). */
const plannerBoard = {
  ...boardCanvas,
  Component: (props: BoardProps) => (
    <BoardCanvas
      {...props}
      columnsAccess={{ canWrite: false, reason: 'your role (planner) may not change board.columns' }}
    />
  ),
};

function openEditor() {
  fireEvent.click(screen.getByTestId('board-columns-toggle'));
  return screen.getByTestId('board-columns-editor');
}

describe('[CONTRACT 6] board Columns editor: token.set of board.columns from the board', () => {
  it('adds a column: one token.set with the whole list (new id from its title), and the column appears', async () => {
    const { emitter } = renderCartridge(allowedBoard, { seed });
    openEditor();
    fireEvent.change(screen.getByTestId('new-column'), { target: { value: 'In review' } });
    fireEvent.click(screen.getByTestId('add-column'));
    await waitFor(() => expect(emitter.callsOf('setToken')).toHaveLength(1));
    expect(emitter.callsOf('setToken')[0]).toEqual({
      kind: 'setToken',
      tokenId: 'board.columns',
      value: ['todo', 'doing', 'done', { id: 'in-review', title: 'In review' }],
    });
    expect(await screen.findByTestId('column-in-review')).toBeTruthy();
    expect((screen.getByTestId('new-column') as HTMLInputElement).value).toBe('');
    expect(emitter.callsOf('ops')).toHaveLength(0);
  });

  it('renames a column: its id stays (its notes stay in it), only the title changes', async () => {
    const { emitter } = renderCartridge(allowedBoard, { seed });
    openEditor();
    fireEvent.change(screen.getByTestId('column-title-todo'), { target: { value: 'To do' } });
    fireEvent.click(screen.getByTestId('rename-column-todo'));
    await waitFor(() => expect(emitter.callsOf('setToken')).toHaveLength(1));
    expect(emitter.callsOf('setToken')[0]!.value).toEqual([{ id: 'todo', title: 'To do' }, 'doing', 'done']);
    const todo = await screen.findByRole('heading', { level: 3, name: /^To do \(1\)$/ });
    expect(within(todo.closest('section')!).getByTestId('note-n1')).toBeTruthy();
  });

  it('removes an empty column; a column holding notes, or the last one, cannot be removed (and says why)', async () => {
    const { emitter } = renderCartridge(allowedBoard, { seed });
    const editor = openEditor();
    const keepTodo = screen.getByTestId('remove-column-todo') as HTMLButtonElement;
    expect(keepTodo.disabled).toBe(true);
    expect(within(editor).getByText(/Holds 1 note: move or delete them first/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('remove-column-done'));
    await waitFor(() => expect(emitter.callsOf('setToken')).toHaveLength(1));
    expect(emitter.callsOf('setToken')[0]!.value).toEqual(['todo', 'doing']);
    await waitFor(() => expect(screen.queryByTestId('column-done')).toBeNull());
    expect(screen.getByTestId('column-doing')).toBeTruthy();
    cleanup();

    renderCartridge(allowedBoard, { tokens: { 'board.columns': ['only'] } });
    openEditor();
    expect((screen.getByTestId('remove-column-only') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('A board keeps at least one column')).toBeTruthy();
  });

  it('a viewer the lens does not let write board.columns gets no Columns control (notes stay editable)', () => {
    renderCartridge(plannerBoard, { seed });
    expect(screen.queryByTestId('board-columns-toggle')).toBeNull();
    expect(screen.getByTestId('add-note')).toBeTruthy();
  });

  it('a read-only board, or one whose columns come from the layout state, has no Columns control', () => {
    renderCartridge(boardCanvas, { seed, readOnly: true });
    expect(screen.queryByTestId('board-columns-toggle')).toBeNull();
    cleanup();
    renderCartridge(boardCanvas, {
      seed: [...seed, { op: 'insert' as const, root: 'layout', key: 'columns', value: ['todo', 'later'] }],
    });
    expect(screen.getByTestId('column-later')).toBeTruthy();
    expect(screen.queryByTestId('board-columns-toggle')).toBeNull();
  });

  it('a refused write shows the gateway’s reason in the editor, and the columns stay', async () => {
    const { emitter } = renderCartridge(boardCanvas, {
      seed,
      refuse: { code: 'forbidden', message: 'token board.columns is not writable by planner' },
    });
    openEditor();
    fireEvent.change(screen.getByTestId('new-column'), { target: { value: 'Later' } });
    fireEvent.click(screen.getByTestId('add-column'));
    expect((await screen.findByTestId('columns-error')).textContent).toBe(
      'token board.columns is not writable by planner',
    );
    expect(emitter.callsOf('setToken')).toHaveLength(1);
    expect(screen.queryByTestId('column-later')).toBeNull();
    expect((screen.getByTestId('new-column') as HTMLInputElement).value).toBe('Later');
  });
});
