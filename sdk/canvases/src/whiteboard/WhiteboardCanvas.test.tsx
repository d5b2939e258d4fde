// @vitest-environment happy-dom
import type { PeerState } from '@easel/harness';
import type { JsonValue } from '@easel/schemas';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { WHITEBOARD_THUMBNAIL_TOOL } from './whiteboardThumbnailTool.ts';
import { whiteboardCanvas } from './whiteboardCartridge.ts';

afterEach(cleanup);

const seed = [
  { op: 'insert' as const, root: 'shapes', key: 'r1', value: { kind: 'rect', x: 100, y: 100, w: 80, h: 40 } },
  { op: 'insert' as const, root: 'shapes', key: 'e1', value: { kind: 'ellipse', x: 300, y: 50, w: 60, h: 60 } },
];

function peer(id: string, cursor: { x: number; y: number } | null, self = false): PeerState {
  return {
    clientId: id.length,
    actor: { id, kind: id === 'bot' ? 'agent' : 'human', name: id.toUpperCase(), color: '#ff0000' },
    cursor,
    selection: null,
    self,
  };
}

function svg() {
  return screen.getByLabelText('Whiteboard shapes');
}

describe('whiteboard cartridge', () => {
  it('renders every shape from the projection as SVG', () => {
    renderCartridge(whiteboardCanvas, { seed });
    expect(screen.getByTestId('shape-r1').querySelector('rect')?.getAttribute('width')).toBe('80');
    expect(screen.getByTestId('shape-e1').querySelector('ellipse')?.getAttribute('rx')).toBe('30');
    expect(screen.getByText('2 shapes')).toBeTruthy();
  });

  it('[CONTRACT 5] add-shape inserts one shape on the shapes map with the style tokens', async () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { tokens: { 'style.fill': '#fde68a' } });
    fireEvent.change(screen.getByLabelText('Shape'), { target: { value: 'ellipse' } });
    fireEvent.click(screen.getByTestId('add-shape'));
    const ops = emitter.allOps();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      op: 'insert',
      root: 'shapes',
      value: { kind: 'ellipse', fill: '#fde68a', stroke: '#111827', z: 1 },
    });
    const key = (ops[0] as { key: string }).key;
    expect(await screen.findByTestId(`shape-${key}`)).toBeTruthy();
  });

  it('moves a shape by dragging: one update per changed coordinate, drawn at the drop point', () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { seed });
    fireEvent.pointerDown(screen.getByTestId('shape-r1'), { clientX: 120, clientY: 110, pointerId: 1 });
    fireEvent.pointerMove(svg(), { clientX: 150, clientY: 90, pointerId: 1 });
    expect(screen.getByTestId('shape-r1').querySelector('rect')?.getAttribute('x')).toBe('130');
    fireEvent.pointerUp(svg(), { clientX: 170, clientY: 80, pointerId: 1 });
    expect(emitter.allOps()).toEqual([
      { op: 'update', root: 'shapes', key: 'r1', path: ['x'], value: 150 },
      { op: 'update', root: 'shapes', key: 'r1', path: ['y'], value: 70 },
    ]);
    expect(screen.getByTestId('shape-r1').querySelector('rect')?.getAttribute('x')).toBe('150');
  });

  it('resizes a selected shape by its corner handle', () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { seed });
    fireEvent.focus(screen.getByTestId('shape-r1'));
    fireEvent.pointerDown(screen.getByTestId('resize-r1'), { clientX: 180, clientY: 140, pointerId: 2 });
    fireEvent.pointerUp(svg(), { clientX: 200, clientY: 100, pointerId: 2 });
    expect(emitter.allOps()).toEqual([
      { op: 'update', root: 'shapes', key: 'r1', path: ['w'], value: 100 },
      { op: 'update', root: 'shapes', key: 'r1', path: ['h'], value: 4 },
    ]);
  });

  it('deletes the selected shape (button or Delete key) and moves it with arrow keys', () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { seed });
    const deleteButton = screen.getByTestId('delete-shape') as HTMLButtonElement;
    expect(deleteButton.disabled).toBe(true);
    fireEvent.keyDown(screen.getByTestId('shape-e1'), { key: 'ArrowRight' });
    expect(emitter.allOps()).toEqual([{ op: 'update', root: 'shapes', key: 'e1', path: ['x'], value: 310 }]);
    fireEvent.focus(screen.getByTestId('shape-r1'));
    fireEvent.click(deleteButton);
    expect(emitter.allOps().at(-1)).toEqual({ op: 'delete', root: 'shapes', key: 'r1' });
    expect(screen.queryByTestId('shape-r1')).toBeNull();
    fireEvent.keyDown(screen.getByTestId('shape-e1'), { key: 'Delete' });
    expect(emitter.allOps().at(-1)).toEqual({ op: 'delete', root: 'shapes', key: 'e1' });
  });

  it('deleting a shape with the Delete key keeps focus on the board (next shape, else "Add shape")', async () => {
    renderCartridge(whiteboardCanvas, { seed });
    screen.getByTestId('shape-r1').focus();
    fireEvent.keyDown(screen.getByTestId('shape-r1'), { key: 'Delete' });
    await waitFor(() => expect(screen.queryByTestId('shape-r1')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('shape-e1'));
    fireEvent.keyDown(screen.getByTestId('shape-e1'), { key: 'Backspace' });
    await waitFor(() => expect(screen.queryByTestId('shape-e1')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('add-shape'));
  });

  it('resizes the focused shape with Alt+arrow keys (the keyboard path to the corner handle)', () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { seed });
    const shape = screen.getByTestId('shape-r1');
    expect(shape.getAttribute('aria-keyshortcuts')).toContain('Alt+ArrowRight');
    expect(document.getElementById(shape.getAttribute('aria-describedby')!)?.textContent).toContain('Alt+arrows');
    fireEvent.keyDown(shape, { key: 'ArrowRight', altKey: true });
    expect(emitter.allOps()).toEqual([{ op: 'update', root: 'shapes', key: 'r1', path: ['w'], value: 90 }]);
    fireEvent.keyDown(shape, { key: 'ArrowUp', altKey: true, shiftKey: true });
    expect(emitter.allOps().at(-1)).toEqual({ op: 'update', root: 'shapes', key: 'r1', path: ['h'], value: 39 });
  });

  it("edits a text shape's text: Enter (or a double click) on the shape opens its field; sent once, on Enter or blur", () => {
    const { emitter } = renderCartridge(whiteboardCanvas, {
      seed: [
        ...seed,
        {
          op: 'insert' as const,
          root: 'shapes',
          key: 't1',
          value: { kind: 'text', x: 10, y: 10, w: 160, h: 32, text: 'Text' },
        },
      ],
    });
    expect(screen.queryByTestId('shape-text')).toBeNull();
    const shape = screen.getByTestId('shape-t1');
    fireEvent.focus(shape);
    fireEvent.keyDown(shape, { key: 'Enter' });
    const field = screen.getByTestId('shape-text') as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    expect(field.value).toBe('Text');
    fireEvent.change(field, { target: { value: 'Launch day' } });
    fireEvent.submit(field.form!);
    fireEvent.blur(field);
    expect(emitter.allOps()).toEqual([
      { op: 'update', root: 'shapes', key: 't1', path: ['text'], value: 'Launch day' },
    ]);
    // Selecting another shape sends what was typed (the field goes away before it would blur).
    fireEvent.change(field, { target: { value: 'Launch week' } });
    fireEvent.focus(screen.getByTestId('shape-r1'));
    expect(screen.queryByTestId('shape-text')).toBeNull();
    expect(emitter.allOps().at(-1)).toEqual({
      op: 'update',
      root: 'shapes',
      key: 't1',
      path: ['text'],
      value: 'Launch week',
    });
    // A rect has no text field.
    fireEvent.doubleClick(screen.getByTestId('shape-r1'));
    expect(screen.queryByTestId('shape-text')).toBeNull();
  });

  it('a text field whose shape was deleted (by someone else) closes without sending its text', () => {
    const text = { kind: 'text', x: 10, y: 10, w: 160, h: 32, text: 'Text' };
    const view = renderCartridge(whiteboardCanvas, {
      seed: [{ op: 'insert' as const, root: 'shapes', key: 't1', value: text }],
    });
    fireEvent.doubleClick(screen.getByTestId('shape-t1'));
    fireEvent.focus(screen.getByTestId('shape-t1'));
    fireEvent.change(screen.getByTestId('shape-text'), { target: { value: 'Half typed' } });
    act(() => view.emitter.seed([{ op: 'delete', root: 'shapes', key: 't1' }]));
    expect(screen.queryByTestId('shape-text')).toBeNull();
    expect(view.emitter.allOps()).toEqual([]);
  });

  it('dragging selects no text (the drawing surface is not selectable)', () => {
    renderCartridge(whiteboardCanvas, { seed });
    expect(svg().style.userSelect).toBe('none');
  });

  it("[CONTRACT 7] draws peers' cursors (not its own) and reports its pointer with setCursor", () => {
    const view = renderCartridge(whiteboardCanvas, {
      seed,
      peers: [peer('ana', { x: 40, y: 50 }), peer('me', { x: 1, y: 1 }, true), peer('bot', null)],
    });
    const ana = screen.getByTestId('wb-cursor-ana');
    expect(ana.getAttribute('transform')).toContain('translate(40 50)');
    expect(ana.textContent).toContain('ANA');
    expect(screen.queryByTestId('wb-cursor-me')).toBeNull();
    expect(screen.queryByTestId('wb-cursor-bot')).toBeNull();
    view.update({ peers: [peer('bot', { x: 5, y: 6 })] });
    expect(screen.getByTestId('wb-cursor-bot').textContent).toContain('(agent)');
    fireEvent.pointerMove(svg(), { clientX: 33, clientY: 44 });
    expect(view.cursors.at(-1)).toEqual({ x: 33, y: 44 });
  });

  it('the thumbnail button runs the thumbnail tool and shows the outcome', async () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { seed, tools: [WHITEBOARD_THUMBNAIL_TOOL.id] });
    fireEvent.click(screen.getByTestId('thumbnail'));
    expect(emitter.callsOf('tool')).toEqual([
      {
        kind: 'tool',
        toolId: 'thumbnail',
        args: { plugin: 'whiteboard-thumbnail', tool: 'render', params: { width: 320, height: 240 } },
      },
    ]);
    expect((await screen.findByText('Thumbnail requested')).getAttribute('data-testid')).toBe('thumbnail-status');
  });

  /** Renders the whiteboard whose Thumbnail job stored `pngSidecar`, with these sidecar rights; clicks Thumbnail. */
  function thumbnailStored(pngSidecar: { [key: string]: JsonValue }, resolve: boolean, asked: string[] = []) {
    const result = [{ index: 0, width: 320, height: 240, png_sidecar: pngSidecar }];
    const resolveUrl = async (id: string) => {
      asked.push(id);
      return { ok: true as const, url: `https://s3.test/b/${id}?sig=1` };
    };
    renderCartridge(whiteboardCanvas, {
      seed,
      tools: [WHITEBOARD_THUMBNAIL_TOOL.id],
      toolResults: { thumbnail: { ok: true, revision: 3, job: { job_id: 'j1', status: 'succeeded', result } } },
      extra: { sidecars: { resolve, resolveUrl } },
    });
    fireEvent.click(screen.getByTestId('thumbnail'));
  }

  it('[CONTRACT 8] a thumbnail the job stored as a sidecar is shown, opened through the host resolver', async () => {
    const asked: string[] = [];
    thumbnailStored({ artifact_id: 'thumb-1', mime: 'image/png', size: 2048 }, true, asked);
    expect(await screen.findByText('Thumbnail saved (image/png, 2.0 KB)')).toBeTruthy();
    const image = await screen.findByRole('img', { name: 'Whiteboard thumbnail' });
    expect(image.getAttribute('src')).toBe('https://s3.test/b/thumb-1?sig=1');
    expect(asked).toEqual(['thumb-1']);
  });

  it('[CONTRACT 6] a stored thumbnail is not opened for a viewer without sidecars.resolve', async () => {
    const asked: string[] = [];
    thumbnailStored({ artifact_id: 'thumb-1', mime: 'image/png' }, false, asked);
    expect(await screen.findByText('Thumbnail saved (image/png)')).toBeTruthy();
    expect(screen.queryByTestId('thumbnail-preview')).toBeNull();
    expect(asked).toEqual([]);
  });

  it('shows why a thumbnail could not be made', async () => {
    renderCartridge(whiteboardCanvas, { seed });
    fireEvent.click(screen.getByTestId('thumbnail'));
    const status = await screen.findByText(/Thumbnail failed \(not_found\)/);
    expect(status.textContent).toContain('this canvas has no tool "thumbnail"');
  });

  it('readOnly renders shapes without edit affordances; dragging does nothing', () => {
    const { emitter } = renderCartridge(whiteboardCanvas, { seed, readOnly: true });
    expect(screen.getByTestId('shape-r1')).toBeTruthy();
    expect(screen.queryByTestId('add-shape')).toBeNull();
    expect(screen.queryByRole('toolbar')).toBeNull();
    expect(screen.getByTestId('shape-r1').getAttribute('tabindex')).toBeNull();
    fireEvent.pointerDown(screen.getByTestId('shape-r1'), { clientX: 120, clientY: 110 });
    fireEvent.pointerUp(svg(), { clientX: 170, clientY: 80 });
    expect(emitter.calls).toHaveLength(0);
  });

  it('shows the reason of a refused edit', () => {
    renderCartridge(whiteboardCanvas, {
      seed,
      rejected: { code: 'forbidden', message: "your roles may not write root 'shapes'" },
    });
    expect(screen.getByTestId('canvas-rejected').textContent).toContain("may not write root 'shapes'");
  });
});
