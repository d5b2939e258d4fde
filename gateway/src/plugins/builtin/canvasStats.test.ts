import type { StateOp } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOARD_CANVAS_TYPE, WHITEBOARD_CANVAS_TYPE } from '../../core/canvasTypes/builtinCanvasTypes.ts';
import { callTool, canvasFrameOf, loadEntry, recordingContext } from './builtinTestKit.ts';

const note = (key: string, value: Record<string, unknown> | string): StateOp =>
  ({ op: 'insert', root: 'notes', key, value }) as StateOp;
const shape = (key: string, value: Record<string, unknown>): StateOp =>
  ({ op: 'insert', root: 'shapes', key, value }) as StateOp;

interface BoardOut {
  notes: number;
  words: number;
  characters: number;
  columns: string[];
  notes_by_column: Record<string, number>;
  unplaced: number;
  notes_by_status: Record<string, number>;
  without_status: number;
}
interface WhiteboardOut {
  shapes: number;
  shapes_by_kind: Record<string, number>;
  bbox: { x: number; y: number; w: number; h: number } | null;
  total_area: number;
  without_geometry: number;
  layers: number;
  shapes_by_layer: Record<string, number>;
  unlayered: number;
}

describe('canvas-stats', () => {
  it('[CONTRACT 9] counts a board: notes, words, notes per column and status, tokens changed', async () => {
    const frame = canvasFrameOf(
      BOARD_CANVAS_TYPE,
      [
        note('a', { title: 'Ship it', text: 'by friday noon', column: 'todo', status: 'open' }),
        note('b', { text: 'review  the\tdraft', column: 'doing', status: 'open' }),
        note('c', 'a plain note'),
        note('d', { body: 'placed by layout', status: 'blocked' }),
        note('e', { text: '', column: 'later' }),
        { op: 'insert', root: 'layout', key: 'c', value: 'done' } as StateOp,
        { op: 'insert', root: 'layout', key: 'd', value: { column: 'todo', x: 3 } } as StateOp,
      ],
      { 'plan.title': 'Q3', 'plan.count': 0 },
    );
    const { value, ctx } = await callTool('canvas-stats', 'stats', { frame, index: 4, fps: 2 });
    expect(ctx.warnings).toEqual([]);
    expect(value.index).toBe(4);
    expect(value.time_ms).toBe(2000);
    expect(value.canvas_type).toBe('board');
    expect(value.roots).toEqual({ notes: { kind: 'map', entries: 5 }, layout: { kind: 'map', entries: 2 } });
    const board = value.board as BoardOut;
    expect(board.notes).toBe(5);
    // "Ship it" 2 + "by friday noon" 3 + "review the draft" 3 + "a plain note" 3 + "placed by layout" 3
    expect(board.words).toBe(14);
    expect(board.characters).toBe('Ship itby friday noonreview  the\tdrafta plain noteplaced by layout'.length);
    expect(board.columns).toEqual(['todo', 'doing', 'done']);
    expect(board.notes_by_column).toEqual({ todo: 2, doing: 1, done: 1, later: 1 });
    expect(board.unplaced).toBe(0);
    expect(board.notes_by_status).toEqual({ open: 2, blocked: 1 });
    expect(board.without_status).toBe(2);
    // plan.count set to its default 0 reads as at-default; plan.title differs.
    expect(value.tokens).toEqual({
      total: 8,
      changed: 1,
      at_default: 7,
      unknown: 0,
      changed_ids: ['plan.title'],
      defaults_from: 'builtin',
    });
  });

  it('[CONTRACT 9] a board uses its board.columns token and counts notes without a column as unplaced', async () => {
    const frame = canvasFrameOf(BOARD_CANVAS_TYPE, [note('a', { text: 'x', column: 'b' }), note('z', { text: 'y' })], {
      'board.columns': ['a', 'b'],
    });
    const { value } = await callTool('canvas-stats', 'stats', { frame, index: 0 });
    const board = value.board as BoardOut;
    expect(board.columns).toEqual(['a', 'b']);
    expect(board.notes_by_column).toEqual({ a: 0, b: 1 });
    expect(board.unplaced).toBe(1);
    expect((value.tokens as { changed_ids: string[] }).changed_ids).toEqual(['board.columns']);
  });

  it('[CONTRACT 9] counts a whiteboard: shapes by kind and layer, bounding box, total area', async () => {
    const frame = canvasFrameOf(WHITEBOARD_CANVAS_TYPE, [
      shape('r', { kind: 'rect', x: 10, y: 20, w: 30, h: 40, color: '#ff0000', layer: 'bg' }),
      shape('e', { kind: 'ellipse', x: 0, y: 0, w: 20, h: 10, layer: 'fg' }),
      shape('l', { kind: 'line', x: 100, y: 100, w: -50, h: 20 }),
      shape('t', { kind: 'text', x: -5, y: 0, w: 10, h: 5, text: 'hi', layer: 'fg' }),
      shape('s', { kind: 'star', x: 0, y: 0, w: 1, h: 1 }),
      shape('n', { kind: 'rect', x: 'left' }),
      { op: 'insert', root: 'layers', value: 'bg' } as StateOp,
      { op: 'insert', root: 'layers', value: { id: 'fg', visible: true } } as StateOp,
    ]);
    const { value, ctx } = await callTool('canvas-stats', 'stats', { frame, index: 0 });
    const wb = value.whiteboard as WhiteboardOut;
    expect(wb.shapes).toBe(6);
    expect(wb.shapes_by_kind).toEqual({ rect: 2, ellipse: 1, line: 1, text: 1, star: 1 });
    expect(wb.bbox).toEqual({ x: -5, y: 0, w: 105, h: 120 });
    expect(wb.total_area).toBeCloseTo(30 * 40 + (Math.PI / 4) * 200 + 0 + 50 + 1, 9);
    expect(wb.without_geometry).toBe(1);
    expect(wb.layers).toBe(2);
    expect(wb.shapes_by_layer).toEqual({ bg: 1, fg: 2 });
    expect(wb.unlayered).toBe(3);
    expect(ctx.warnings).toHaveLength(1);
    expect(ctx.warnings[0]).toMatch(/1 shape\(s\) without finite x, y, w, h/);
    expect((value.tokens as { total: number; changed: number }).changed).toBe(0);
  });

  it('[CONTRACT 9] compares tokens of another canvas type with params.token_defaults, or reports them unknown', async () => {
    const frame = {
      kind: 'canvas',
      canvas_type: 'kanban',
      state: { cards: ['a', 'b'], body: 'text' },
      tokens: { a: 1, b: [1, 2] },
    };
    const unknown = await callTool('canvas-stats', 'stats', { frame, index: 0 });
    expect(unknown.value.tokens).toMatchObject({ total: 2, unknown: 2, changed: 0, defaults_from: 'none' });
    expect(unknown.value.roots).toEqual({ cards: { kind: 'array', entries: 2 }, body: { kind: 'text', entries: 4 } });
    expect(unknown.value.board).toBeUndefined();
    const given = await callTool('canvas-stats', 'stats', {
      frame,
      index: 0,
      params: { token_defaults: { a: 1, b: [1, 3] } },
    });
    expect(given.value.tokens).toMatchObject({
      total: 2,
      at_default: 1,
      changed: 1,
      changed_ids: ['b'],
      defaults_from: 'params',
    });
  });

  it('[CONTRACT 9] refuses a root over the entry limit with the limit in the message', async () => {
    const { tools, LIMITS } = (await loadEntry('canvas-stats')) as unknown as {
      tools: Record<string, (i: unknown, c: unknown) => Promise<unknown>>;
      LIMITS: { entriesPerRoot: number };
    };
    const notes = Object.fromEntries(Array.from({ length: LIMITS.entriesPerRoot + 1 }, (_, i) => [`n${i}`, 'x']));
    const frame = { kind: 'canvas', canvas_type: 'board', state: { notes }, tokens: {} };
    await expect(tools.stats!({ frame, index: 0 }, recordingContext())).rejects.toThrow(
      `the limit is ${LIMITS.entriesPerRoot} per root`,
    );
  });

  it('[CONTRACT 9] refuses an image frame, in the schema and in the tool', async () => {
    const input = { frame: { kind: 'image', mime: 'image/png', data_base64: 'AAAA' }, index: 0 };
    await expect(callTool('canvas-stats', 'stats', input)).rejects.toThrow(/input fails/);
    const { tools } = await loadEntry('canvas-stats');
    await expect(tools.stats!(input, recordingContext())).rejects.toThrow(/needs a canvas frame/);
  });

  it('[CONTRACT 9] any board: per-column and per-status counts add up to the notes, output fits its schema', async () => {
    const noteArb = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.record(
        {
          text: fc.string({ maxLength: 40 }),
          title: fc.string({ maxLength: 10 }),
          column: fc.constantFrom('todo', 'doing', 'done', 'other'),
          status: fc.constantFrom('open', 'closed'),
          tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), noteArb, { maxKeys: 20 }),
        async (notes) => {
          const frame = { kind: 'canvas', canvas_type: 'board', state: { notes, layout: {} }, tokens: {} };
          const { value } = await callTool('canvas-stats', 'stats', { frame, index: 0 });
          const board = value.board as BoardOut;
          const n = Object.keys(notes).length;
          expect(board.notes).toBe(n);
          expect(Object.values(board.notes_by_column).reduce((a, b) => a + b, 0) + board.unplaced).toBe(n);
          expect(Object.values(board.notes_by_status).reduce((a, b) => a + b, 0) + board.without_status).toBe(n);
          expect(board.words).toBeLessThanOrEqual(board.characters);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('[CONTRACT 9] any whiteboard: the bounding box holds every shape and kinds add up', async () => {
    const shapeArb = fc.record({
      kind: fc.constantFrom('rect', 'ellipse', 'line', 'text', 'blob'),
      x: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      y: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      w: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      h: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), shapeArb, { maxKeys: 15 }),
        async (shapes) => {
          const frame = { kind: 'canvas', canvas_type: 'whiteboard', state: { shapes, layers: [] }, tokens: {} };
          const { value } = await callTool('canvas-stats', 'stats', { frame, index: 0 });
          const wb = value.whiteboard as WhiteboardOut;
          expect(Object.values(wb.shapes_by_kind).reduce((a, b) => a + b, 0)).toBe(Object.keys(shapes).length);
          for (const s of Object.values(shapes)) {
            const box = wb.bbox!;
            for (const [px, py] of [
              [s.x, s.y],
              [s.x + s.w, s.y + s.h],
            ] as const) {
              expect(px).toBeGreaterThanOrEqual(box.x);
              expect(py).toBeGreaterThanOrEqual(box.y);
              expect(px).toBeLessThanOrEqual(box.x + box.w + 1e-6);
              expect(py).toBeLessThanOrEqual(box.y + box.h + 1e-6);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
