// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { boardCanvas } from './boardCartridge.ts';

afterEach(cleanup);

const seed = [
  { op: 'insert' as const, root: 'notes', key: 'n1', value: { text: 'Write brief', column: 'todo', order: 0 } },
  { op: 'insert' as const, root: 'notes', key: 'n2', value: { text: 'Ship it', column: 'doing', order: 0 } },
];

describe('board cartridge', () => {
  it('renders columns and notes from the projection', () => {
    renderCartridge(boardCanvas, { seed, tokens: { 'plan.title': 'Sprint 4' } });
    expect(screen.getByRole('heading', { level: 2, name: 'Sprint 4' })).toBeTruthy();
    const todo = screen.getByTestId('column-todo');
    expect(within(todo).getByTestId('note-n1').textContent).toContain('Write brief');
    expect(within(screen.getByTestId('column-doing')).getByTestId('note-n2')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: /done \(0\)/ })).toBeTruthy();
  });

  it('[CONTRACT 5] add-note emits one state.ops insert on notes, and the note appears', async () => {
    const { emitter } = renderCartridge(boardCanvas, { seed });
    fireEvent.change(screen.getByLabelText('New note'), { target: { value: 'Call the printer' } });
    fireEvent.change(screen.getByLabelText('Column'), { target: { value: 'doing' } });
    fireEvent.click(screen.getByTestId('add-note'));
    const [op] = emitter.allOps();
    expect(emitter.allOps()).toHaveLength(1);
    expect(op).toMatchObject({
      op: 'insert',
      root: 'notes',
      value: { text: 'Call the printer', column: 'doing', order: 1 },
    });
    const key = (op as { key: string }).key;
    expect(key).toMatch(/^note-/);
    const note = await screen.findByTestId(`note-${key}`);
    expect(within(screen.getByTestId('column-doing')).getByTestId(`note-${key}`)).toBe(note);
    expect(emitter.callsOf('commit')).toHaveLength(0);
  });

  it('a long note shows its first lines until expanded (one 2,000-character note must not fill the column)', () => {
    const long = `${'word '.repeat(400)}END`;
    renderCartridge(boardCanvas, {
      seed: [
        ...seed,
        { op: 'insert' as const, root: 'notes', key: 'n3', value: { text: long, column: 'todo', order: 1 } },
      ],
    });
    const text = screen.getByTestId('note-n3').querySelector<HTMLElement>('.easel-board-note-text')!;
    expect(text.getAttribute('data-folded')).toBe('true');
    expect(text.style.overflow).toBe('hidden');
    const toggle = screen.getByTestId('fold-note-n3');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe(text.id);
    expect(toggle.textContent).toBe(`Show all (${long.length} characters)`);
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(text.getAttribute('data-folded')).toBeNull();
    expect(text.style.overflow).toBe('');
    expect(toggle.textContent).toBe('Show less');
    // Short notes have nothing to fold.
    expect(screen.queryByTestId('fold-note-n1')).toBeNull();
    expect(screen.getByTestId('note-n1').querySelector('[data-folded]')).toBeNull();
  });

  it('deleting a note keeps keyboard focus on the board (next note, else previous, else "New note")', async () => {
    renderCartridge(boardCanvas, {
      seed: [
        ...seed,
        { op: 'insert' as const, root: 'notes', key: 'n3', value: { text: 'Proofread', column: 'todo', order: 1 } },
      ],
    });
    const del = (name: string) => screen.getByRole('button', { name: `Delete ${name}` });
    del('Write brief').focus();
    fireEvent.click(del('Write brief'));
    await waitFor(() => expect(screen.queryByTestId('note-n1')).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit Proofread' }));
    // The last note of a column: focus goes to the board's "New note" field.
    del('Proofread').focus();
    fireEvent.click(del('Proofread'));
    await waitFor(() => expect(screen.queryByTestId('note-n3')).toBeNull());
    expect(document.activeElement).toBe(screen.getByLabelText('New note'));
  });

  it('edits, moves and deletes a note through state.ops update/delete', async () => {
    const { emitter } = renderCartridge(boardCanvas, { seed });
    fireEvent.click(screen.getByRole('button', { name: 'Edit Write brief' }));
    fireEvent.change(screen.getByLabelText('Note text'), { target: { value: 'Write the brief' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(emitter.allOps().at(-1)).toEqual({
      op: 'update',
      root: 'notes',
      key: 'n1',
      path: ['text'],
      value: 'Write the brief',
    });
    expect((await screen.findByTestId('note-n1')).textContent).toContain('Write the brief');

    fireEvent.change(screen.getByLabelText('Move Write the brief to column'), { target: { value: 'done' } });
    expect(emitter.allOps().slice(-2)).toEqual([
      { op: 'update', root: 'notes', key: 'n1', path: ['column'], value: 'done' },
      { op: 'update', root: 'notes', key: 'n1', path: ['order'], value: 0 },
    ]);
    expect(within(screen.getByTestId('column-done')).getByTestId('note-n1')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Delete Ship it' }));
    expect(emitter.allOps().at(-1)).toEqual({ op: 'delete', root: 'notes', key: 'n2' });
    expect(screen.queryByTestId('note-n2')).toBeNull();
  });

  it('readOnly renders the notes without edit affordances', () => {
    const { emitter } = renderCartridge(boardCanvas, { seed, readOnly: true });
    expect(screen.getByTestId('note-n1').textContent).toContain('Write brief');
    expect(screen.queryByTestId('add-note')).toBeNull();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryAllByRole('combobox')).toHaveLength(0);
    expect(screen.getByTestId('canvas-readonly')).toBeTruthy();
    expect(emitter.calls).toHaveLength(0);
  });

  it('shows the reason of a refused edit', () => {
    const view = renderCartridge(boardCanvas, { seed });
    expect(screen.queryByRole('alert')).toBeNull();
    view.update({ rejected: { code: 'forbidden', message: "your roles may not write root 'notes'" } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain("your roles may not write root 'notes'");
    expect(alert.textContent).toContain('forbidden');
  });

  it('a refused command changes nothing on screen', async () => {
    const { emitter } = renderCartridge(boardCanvas, { seed, refuse: { code: 'forbidden', message: 'no' } });
    fireEvent.click(screen.getByTestId('add-note'));
    expect(emitter.callsOf('ops')).toHaveLength(1);
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });

  it('shows notes of unknown columns as Unsorted, movable back', () => {
    const { emitter } = renderCartridge(boardCanvas, {
      seed: [{ op: 'insert', root: 'notes', key: 'x', value: { text: 'Lost', column: 'archive' } }],
    });
    expect(within(screen.getByTestId('board-unsorted')).getByTestId('note-x')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Move Lost to column'), { target: { value: 'todo' } });
    expect(within(screen.getByTestId('column-todo')).getByTestId('note-x')).toBeTruthy();
    expect(emitter.allOps()[0]).toMatchObject({ op: 'update', key: 'x', path: ['column'], value: 'todo' });
  });
});
