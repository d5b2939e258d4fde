import type { StateOp } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WHITEBOARD_CANVAS_TYPE } from '../../core/canvasTypes/builtinCanvasTypes.ts';
import {
  callTool,
  canvasFrameOf,
  decodePngBase64,
  loadEntry,
  recordingContext,
  xmlElements,
} from './builtinTestKit.ts';

const shape = (key: string, value: Record<string, unknown>): StateOp =>
  ({ op: 'insert', root: 'shapes', key, value }) as StateOp;
const layer = (value: unknown): StateOp => ({ op: 'insert', root: 'layers', value }) as StateOp;

/** A 100×100 view of world (0, 0)–(100, 100): one world unit per pixel. */
const UNIT_VIEW = { width: 100, height: 100, viewport: { x: 0, y: 0, w: 100, h: 100 } };

interface Thumb {
  index: number;
  width: number;
  height: number;
  svg: string;
  png_base64: string;
  view: { x: number; y: number; w: number; h: number };
  scale: number;
  shapes_drawn: number;
  shapes_skipped: number;
}

async function render(frame: unknown, params: Record<string, unknown> = {}) {
  const { value, ctx } = await callTool('whiteboard-thumbnail', 'render', { frame, index: 0, params });
  const thumb = value as unknown as Thumb;
  const png = decodePngBase64(thumb.png_base64);
  const rgba = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)];
  return { thumb, png, rgba, ctx };
}

const RED = [255, 0, 0, 255];
const WHITE = [255, 255, 255, 255];

describe('whiteboard-thumbnail', () => {
  it('[CONTRACT 9] a red rect renders red pixels exactly where it lies, white elsewhere', async () => {
    const frame = canvasFrameOf(WHITEBOARD_CANVAS_TYPE, [
      shape('r', { kind: 'rect', x: 20, y: 30, w: 40, h: 20, color: '#ff0000' }),
    ]);
    const { thumb, png, rgba } = await render(frame, UNIT_VIEW);
    expect([thumb.width, thumb.height, png.width, png.height]).toEqual([100, 100, 100, 100]);
    expect(thumb.scale).toBe(1);
    for (const [x, y] of [
      [20, 30],
      [40, 40],
      [59, 49],
    ])
      expect(rgba(x!, y!), `(${x}, ${y})`).toEqual(RED);
    for (const [x, y] of [
      [19, 30],
      [60, 49],
      [59, 50],
      [20, 29],
      [5, 5],
      [95, 95],
    ])
      expect(rgba(x!, y!), `(${x}, ${y})`).toEqual(WHITE);
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 255 && png.data[i + 1] === 0) red++;
    expect(red).toBe(40 * 20);
  });

  it('[CONTRACT 9] the SVG is well-formed with one element per drawn shape, text escaped', async () => {
    const frame = canvasFrameOf(WHITEBOARD_CANVAS_TYPE, [
      shape('a', { kind: 'rect', x: 0, y: 0, w: 10, h: 10 }),
      shape('b', { kind: 'ellipse', x: 20, y: 0, w: 10, h: 5, fill: '#00ff0080', stroke: '#000' }),
      shape('c', { kind: 'line', x: 0, y: 20, w: 30, h: 0, color: '#123456', stroke_width: 3 }),
      shape('d', { kind: 'text', x: 0, y: 30, w: 30, h: 6, text: 'a < b & "c" \u0001 \'d\' ]]>' }),
      shape('e"<', { kind: 'cloud', x: 5, y: 5, w: 3, h: 3 }),
    ]);
    const { thumb, ctx } = await render(frame);
    const elements = xmlElements(thumb.svg);
    expect(elements.map((e) => e.name)).toEqual(['svg', 'rect', 'rect', 'ellipse', 'line', 'text', 'rect']);
    expect(elements[0]!.attributes).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', width: '320', height: '240' });
    expect(elements.slice(2).map((e) => e.attributes['data-kind'])).toEqual([
      'rect',
      'ellipse',
      'line',
      'text',
      'cloud',
    ]);
    expect(elements[6]!.attributes['data-id']).toBe('e"<');
    expect(elements[3]!.attributes).toMatchObject({ fill: '#00ff00', 'fill-opacity': '0.502', stroke: '#000000' });
    expect(elements[4]!.attributes).toMatchObject({ stroke: '#123456', 'stroke-width': '3' });
    expect(thumb.svg).toContain('>a &lt; b &amp; &quot;c&quot;  &apos;d&apos; ]]&gt;</text>');
    expect(thumb.shapes_drawn).toBe(5);
    expect(ctx.warnings).toEqual(['whiteboard-thumbnail: 1 shape(s) of unknown kind drawn as outlines']);
  });

  it('[CONTRACT 9] fits the content into the requested size; the PNG decodes at that size', async () => {
    const frame = canvasFrameOf(WHITEBOARD_CANVAS_TYPE, [
      shape('r', { kind: 'rect', x: 1000, y: 500, w: 200, h: 100, color: '#ff0000' }),
    ]);
    const { thumb, png, rgba } = await render(frame, { width: 64, height: 48, padding: 4 });
    expect([png.width, png.height]).toEqual([64, 48]);
    // 200×100 into 56×40 usable: the width binds, scale 0.28, centred.
    expect(thumb.scale).toBeCloseTo(56 / 200, 12);
    expect(thumb.view.x + thumb.view.w / 2).toBeCloseTo(1100, 9);
    expect(thumb.view.y + thumb.view.h / 2).toBeCloseTo(550, 9);
    expect(rgba(32, 24)).toEqual(RED);
    expect(rgba(4, 24)).toEqual(RED);
    expect(rgba(3, 24)).toEqual(WHITE);
    expect(rgba(32, 2)).toEqual(WHITE);
  });

  it('[CONTRACT 9] ellipses, lines and token colours paint where they should', async () => {
    const frame = canvasFrameOf(
      WHITEBOARD_CANVAS_TYPE,
      [
        shape('e', { kind: 'ellipse', x: 0, y: 0, w: 40, h: 40, stroke: 'none' }),
        shape('l', { kind: 'line', x1: 50, y1: 90, x2: 99, y2: 90, color: '#0000ff', stroke_width: 2 }),
      ],
      { 'style.fill': '#00ff00' },
    );
    const { rgba } = await render(frame, UNIT_VIEW);
    expect(rgba(20, 20)).toEqual([0, 255, 0, 255]);
    expect(rgba(1, 1)).toEqual(WHITE);
    expect(rgba(38, 38)).toEqual(WHITE);
    expect(rgba(70, 89)).toEqual([0, 0, 255, 255]);
    expect(rgba(70, 90)).toEqual([0, 0, 255, 255]);
    expect(rgba(70, 87)).toEqual(WHITE);
    expect(rgba(70, 92)).toEqual(WHITE);
  });

  it('[CONTRACT 9] layers set the paint order and hidden layers are left out', async () => {
    const frame = canvasFrameOf(WHITEBOARD_CANVAS_TYPE, [
      shape('top', { kind: 'rect', x: 0, y: 0, w: 50, h: 50, color: '#0000ff', layer: 'front' }),
      shape('bottom', { kind: 'rect', x: 25, y: 25, w: 50, h: 50, color: '#ff0000', layer: 'back' }),
      shape('ghost', { kind: 'rect', x: 80, y: 80, w: 10, h: 10, color: '#00ff00', layer: 'off' }),
      layer('back'),
      layer({ id: 'front' }),
      layer({ id: 'off', visible: false }),
    ]);
    const { thumb, rgba } = await render(frame, UNIT_VIEW);
    expect(rgba(40, 40)).toEqual([0, 0, 255, 255]);
    expect(rgba(60, 60)).toEqual(RED);
    expect(rgba(85, 85)).toEqual(WHITE);
    expect(thumb.shapes_drawn).toBe(2);
    expect(thumb.shapes_skipped).toBe(1);
    const kinds = xmlElements(thumb.svg).map((e) => e.attributes['data-id']);
    expect(kinds.filter(Boolean)).toEqual(['bottom', 'top']);
  });

  it('[CONTRACT 9] reports progress on many shapes and tolerates shapes it cannot read', async () => {
    const shapes: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++)
      shapes[`s${String(i).padStart(3, '0')}`] = { kind: 'rect', x: i % 30, y: i % 20, w: 2, h: 2 };
    shapes.junk = 'not a shape';
    shapes.nogeo = { kind: 'ellipse', x: 1 };
    const frame = { kind: 'canvas', canvas_type: 'whiteboard', state: { shapes, layers: 'bad' }, tokens: {} };
    const ctx = recordingContext();
    const { value } = await callTool('whiteboard-thumbnail', 'render', { frame, index: 3 }, ctx);
    expect(value.shapes_drawn).toBe(600);
    expect(value.shapes_skipped).toBe(2);
    expect(ctx.progressed.length).toBeGreaterThanOrEqual(2);
    expect([...ctx.progressed].sort((a, b) => a - b)).toEqual(ctx.progressed);
    expect(ctx.progressed.at(-1)).toBe(90);
    expect(ctx.warnings).toEqual(['whiteboard-thumbnail: 2 shape(s) without finite x, y, w, h were skipped']);
  });

  it('[CONTRACT 9] refuses sizes and workloads over its limits, naming the limit', async () => {
    const { tools } = await loadEntry('whiteboard-thumbnail');
    const render = tools.render!;
    const frame = (shapes: Record<string, unknown>) => ({
      kind: 'canvas',
      canvas_type: 'whiteboard',
      state: { shapes },
      tokens: {},
    });
    await expect(render({ frame: frame({}), index: 0, params: { width: 4096 } }, recordingContext())).rejects.toThrow(
      'from 16 to 2048',
    );
    await expect(
      callTool('whiteboard-thumbnail', 'render', { frame: frame({}), index: 0, params: { width: 4096 } }),
    ).rejects.toThrow(/input fails/);
    const many = Object.fromEntries(
      Array.from({ length: 10_001 }, (_, i) => [`s${i}`, { kind: 'rect', x: 0, y: 0, w: 1, h: 1 }]),
    );
    await expect(render({ frame: frame(many), index: 0 }, recordingContext())).rejects.toThrow('the limit is 10000');
    const big = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`s${i}`, { kind: 'rect', x: 0, y: 0, w: 10, h: 10 }]),
    );
    await expect(
      render({ frame: frame(big), index: 0, params: { width: 2048, height: 2048 } }, recordingContext()),
    ).rejects.toThrow('the limit is 64000000');
  });

  it('[CONTRACT 9] any whiteboard renders to a well-formed SVG and a PNG of the requested size', async () => {
    const shapeArb = fc.record(
      {
        kind: fc.constantFrom('rect', 'ellipse', 'line', 'text', 'arrow'),
        x: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        y: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        w: fc.double({ min: -500, max: 500, noNaN: true }),
        h: fc.double({ min: -500, max: 500, noNaN: true }),
        color: fc.constantFrom('#f00', '#00ff0080', 'red', 'none'),
        text: fc.string({ maxLength: 20, unit: 'binary' }),
        stroke_width: fc.double({ min: 0, max: 50, noNaN: true }),
      },
      { requiredKeys: ['kind', 'x', 'y', 'w', 'h'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6, unit: 'binary' }), shapeArb, { maxKeys: 12 }),
        fc.integer({ min: 16, max: 64 }),
        fc.integer({ min: 16, max: 64 }),
        async (shapes, width, height) => {
          const frame = { kind: 'canvas', canvas_type: 'whiteboard', state: { shapes, layers: [] }, tokens: {} };
          const { thumb, png } = await render(frame, { width, height });
          expect([png.width, png.height]).toEqual([width, height]);
          const elements = xmlElements(thumb.svg);
          expect(elements.length).toBe(2 + thumb.shapes_drawn);
          expect(thumb.shapes_drawn).toBe(Object.keys(shapes).length);
        },
      ),
      { numRuns: 40 },
    );
    // 40 in-process renders (SVG + PNG): well under a second on an idle machine, several on a loaded one.
  }, 30_000);
});
