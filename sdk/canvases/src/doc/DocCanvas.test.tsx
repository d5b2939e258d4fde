// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { docCanvas } from './docCartridge.ts';

afterEach(cleanup);

const seed = [
  { op: 'insert' as const, root: 'blocks', value: { id: 'b1', kind: 'heading', text: 'Plan' } },
  { op: 'insert' as const, root: 'blocks', value: { id: 'b2', kind: 'paragraph', text: 'Details' } },
  { op: 'insert' as const, root: 'text', index: 0, value: 'Hello world' },
];

/** The text area of `testId`, opened first if it is still a row's light stand-in (LazyTextArea). */
function textarea(testId: string) {
  const el = screen.getByTestId(testId);
  if (el instanceof HTMLTextAreaElement) return el;
  fireEvent.focus(el);
  return screen.getByTestId(testId) as HTMLTextAreaElement;
}

describe('doc cartridge', () => {
  it('renders the block tree and the body text from the projection', () => {
    renderCartridge(docCanvas, { seed, tokens: { 'plan.title': 'Launch notes' } });
    expect(screen.getByRole('heading', { level: 2, name: 'Launch notes' })).toBeTruthy();
    // A row's text shows as a light text box until it is first focused or pressed.
    const lazy = screen.getByTestId('block-text-b1');
    expect(lazy.getAttribute('role')).toBe('textbox');
    expect(lazy.getAttribute('aria-label')).toBe('Text of heading block 1');
    expect(lazy.textContent).toBe('Plan');
    expect(textarea('block-text-b1').value).toBe('Plan');
    expect(screen.getByTestId('block-b1').getAttribute('data-kind')).toBe('heading');
    expect(textarea('doc-text').value).toBe('Hello world');
  });

  it('[CONTRACT 5] typing in doc-text is a local Yjs edit of the text root (one splice per change)', () => {
    const { emitter } = renderCartridge(docCanvas, { seed });
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(emitter.doc));
    peer.getText('text').insert(0, '# ');
    fireEvent.change(textarea('doc-text'), { target: { value: 'Hello brave world' } });
    const edits = emitter.callsOf('edit');
    expect(edits).toHaveLength(1);
    expect(emitter.callsOf('ops')).toHaveLength(0);
    expect(emitter.doc.getText('text').toString()).toBe('Hello brave world');
    // the recorded update is the splice alone: a peer that edited meanwhile keeps both edits
    Y.applyUpdate(peer, edits[0]!.update);
    expect(peer.getText('text').toString()).toBe('# Hello brave world');
    expect(textarea('doc-text').value).toBe('Hello brave world');
  });

  it('[CONTRACT 5] a remote edit arriving while typing is kept (merge, not overwrite)', () => {
    const { emitter } = renderCartridge(docCanvas, { seed });
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(emitter.doc));
    remote.getText('text').insert(0, '>> ');
    act(() => Y.applyUpdate(emitter.doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(emitter.doc))));
    expect(textarea('doc-text').value).toBe('>> Hello world');
    fireEvent.change(textarea('doc-text'), { target: { value: '>> Hello world!' } });
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(emitter.doc));
    expect(remote.getText('text').toString()).toBe('>> Hello world!');
  });

  it('[CONTRACT 5] a collaborator typing in the same text moves the local caret with the text, not to the end', () => {
    const { emitter } = renderCartridge(docCanvas, { seed });
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(emitter.doc));
    const area = textarea('doc-text');
    area.focus();
    area.setSelectionRange(5, 5); // "Hello| world"
    const arrive = () =>
      act(() => Y.applyUpdate(emitter.doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(emitter.doc))));
    const text = remote.getText('text');
    // Before the caret: the caret moves right by what was inserted.
    text.insert(0, '>> ');
    arrive();
    expect(area.value).toBe('>> Hello world');
    expect([area.selectionStart, area.selectionEnd]).toEqual([8, 8]);
    // After the caret: it stays; a selection keeps its span.
    area.setSelectionRange(3, 8); // "Hello"
    text.insert(text.length, '!');
    arrive();
    expect(area.value).toBe('>> Hello world!');
    expect([area.selectionStart, area.selectionEnd]).toEqual([3, 8]);
  });

  it('edits block text through Y.Text and changes structure through state.ops on blocks', async () => {
    const { emitter } = renderCartridge(docCanvas, { seed });
    fireEvent.change(textarea('block-text-b2'), { target: { value: 'More details' } });
    expect(emitter.callsOf('edit')).toHaveLength(1);
    expect(textarea('block-text-b2').value).toBe('More details');

    // The row's controls mount while it holds focus (keyboard path: text first, then Tab).
    fireEvent.focus(textarea('block-text-b2'));
    fireEvent.change(screen.getByLabelText('Kind of paragraph block 2'), { target: { value: 'quote' } });
    expect(emitter.allOps().at(-1)).toEqual({ op: 'update', root: 'blocks', index: 1, path: ['kind'], value: 'quote' });

    fireEvent.click(screen.getByRole('button', { name: 'Move quote block 2 up' }));
    expect(emitter.allOps().at(-1)).toEqual({ op: 'move', root: 'blocks', from: 1, to: 0 });
    expect(screen.getAllByRole('listitem').map((li) => li.getAttribute('data-testid'))).toEqual([
      'block-b2',
      'block-b1',
    ]);

    fireEvent.click(screen.getByTestId('add-block'));
    const insert = emitter.allOps().at(-1)!;
    expect(insert).toMatchObject({ op: 'insert', root: 'blocks', value: { kind: 'paragraph', text: '' } });
    expect(insert).not.toHaveProperty('index');
    expect(await screen.findAllByRole('listitem')).toHaveLength(3);

    // … or while the pointer is over it.
    fireEvent.pointerEnter(screen.getByTestId('block-b1').firstElementChild!);
    fireEvent.click(screen.getByRole('button', { name: 'Delete heading block 2' }));
    expect(emitter.allOps().at(-1)).toEqual({ op: 'delete', root: 'blocks', index: 1 });
    expect(screen.queryByTestId('block-b1')).toBeNull();
  });

  it('a row mounts its kind picker and move/delete buttons only while hovered or focused', () => {
    renderCartridge(docCanvas, { seed });
    const row = screen.getByTestId('block-b1').firstElementChild!;
    expect(screen.queryByLabelText('Kind of heading block 1')).toBeNull();
    expect(screen.queryAllByRole('button', { name: /block \d (up|down)$|^Delete/ })).toHaveLength(0);

    // The row reserves its controls' gutter while they are not shown (showing them moves nothing).
    const reserved = (row as HTMLElement).style.padding;
    expect(reserved).toContain('--easel-doc-gutter');
    fireEvent.pointerEnter(row);
    expect(screen.getByLabelText('Kind of heading block 1')).toBeTruthy();
    // They sit in that gutter, inside the row's own box (out of the flow, over no other row).
    const controls = row.querySelector<HTMLElement>('.easel-doc-block-controls')!;
    expect(controls.style.position).toBe('absolute');
    expect((row as HTMLElement).style.position).toBe('relative');
    expect((row as HTMLElement).style.padding).toBe(reserved);
    expect(screen.getByRole('button', { name: 'Delete heading block 1' })).toBeTruthy();
    expect(screen.queryByLabelText('Kind of paragraph block 2')).toBeNull();
    fireEvent.pointerLeave(row);
    expect(screen.queryByLabelText('Kind of heading block 1')).toBeNull();

    // Focus inside keeps them while focus moves between the row's own controls.
    fireEvent.focus(textarea('block-text-b1'));
    const kind = screen.getByLabelText('Kind of heading block 1');
    fireEvent.blur(textarea('block-text-b1'), { relatedTarget: kind });
    expect(screen.getByLabelText('Kind of heading block 1')).toBe(kind);
    fireEvent.blur(kind, { relatedTarget: null });
    expect(screen.queryByLabelText('Kind of heading block 1')).toBeNull();
  });

  it('a block of a kind this canvas does not know keeps it selectable; the new-block picker offers the known kinds', () => {
    renderCartridge(docCanvas, {
      seed: [{ op: 'insert' as const, root: 'blocks', value: { id: 'c1', kind: 'callout', text: 'Note' } }],
    });
    fireEvent.pointerEnter(screen.getByTestId('block-c1').firstElementChild!);
    const kind = screen.getByLabelText('Kind of callout block 1') as HTMLSelectElement;
    expect(kind.value).toBe('callout');
    expect([...kind.options].map((o) => o.value)).toEqual([
      'callout',
      'heading',
      'paragraph',
      'bullet',
      'quote',
      'code',
    ]);
    const picker = screen.getByRole('toolbar', { name: 'Block tools' }).querySelector('select')!;
    expect([...picker.options].map((o) => o.value)).toEqual(['heading', 'paragraph', 'bullet', 'quote', 'code']);
  });

  it('readOnly renders blocks and body as text, without edit affordances', () => {
    const { emitter } = renderCartridge(docCanvas, { seed, readOnly: true });
    expect(screen.getByRole('heading', { level: 3, name: 'Plan' })).toBeTruthy();
    expect(screen.getByTestId('doc-text').tagName).toBe('DIV');
    expect(screen.getByTestId('doc-text').textContent).toBe('Hello world');
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryByTestId('add-block')).toBeNull();
    expect(emitter.calls).toHaveLength(0);
  });

  it('shows the reason of a refused edit', () => {
    renderCartridge(docCanvas, {
      seed,
      rejected: { code: 'forbidden', message: "your roles may not write root 'text'" },
    });
    expect(screen.getByRole('alert').textContent).toContain("may not write root 'text'");
  });
});
