import { applyStateOps } from '@easel/harness/testing';
import { canvasTypeManifestSchema, type JsonValue, WHITEBOARD_MANIFEST } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { projectWhiteboard, readShape } from './projectWhiteboard.ts';
import { toWorld } from './toWorld.ts';
import { WHITEBOARD_THUMBNAIL_TOOL } from './whiteboardThumbnailTool.ts';
import { addShapeOps, MIN_SHAPE_SIZE, moveShapeOps, resizeShapeOps } from './whiteboardOps.ts';

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
const coord = fc.integer({ min: -5000, max: 5000 });

describe('projectWhiteboard', () => {
  it('[CONTRACT 5] the manifest is valid, with roots shapes and layers', () => {
    expect(canvasTypeManifestSchema.safeParse(WHITEBOARD_MANIFEST).success).toBe(true);
    expect(WHITEBOARD_MANIFEST.roots).toEqual({ shapes: 'map', layers: 'array' });
  });

  it("[CONTRACT 9] the Thumbnail button runs the manifest's thumbnail tool", () => {
    const tool = WHITEBOARD_MANIFEST.tools.find((t) => t.id === WHITEBOARD_THUMBNAIL_TOOL.id);
    expect(tool).toMatchObject({
      label: WHITEBOARD_THUMBNAIL_TOOL.label,
      plugin: { name: WHITEBOARD_THUMBNAIL_TOOL.plugin, tool: WHITEBOARD_THUMBNAIL_TOOL.tool },
    });
  });

  it('never throws; every stored entry is drawn or counted as skipped', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), json, { maxKeys: 10 }),
        json,
        json,
        (shapes, layers, zoom) => {
          const p = projectWhiteboard({ shapes, layers }, { 'view.zoom': zoom });
          expect(p.shapes.length + p.skipped).toBe(Object.keys(shapes).length);
          expect(p.zoom).toBeGreaterThanOrEqual(0.1);
          expect(p.zoom).toBeLessThanOrEqual(8);
        },
      ),
    );
  });

  it('reads shapes like the thumbnail plugin: width/height, a line by endpoints, kind from type', () => {
    expect(readShape('a', { type: 'rect', x: 1, y: 2, width: 3, height: 4 })).toMatchObject({
      kind: 'rect',
      w: 3,
      h: 4,
      plainGeometry: false,
    });
    expect(readShape('l', { kind: 'line', x1: 0, y1: 0, x2: 10, y2: -5 })).toMatchObject({ x: 0, y: 0, w: 10, h: -5 });
    expect(readShape('n', { kind: 'rect', x: 1, y: 2 })).toBeNull();
    expect(readShape('n', { kind: 'rect', x: 1e12, y: 2, w: 1, h: 1 })).toBeNull();
  });

  it('draws layer by layer, then z, then id; hidden layers are skipped', () => {
    const p = projectWhiteboard(
      {
        shapes: {
          c: { kind: 'rect', x: 0, y: 0, w: 1, h: 1, layer: 'top' },
          b: { kind: 'rect', x: 0, y: 0, w: 1, h: 1, layer: 'bottom', z: 5 },
          a: { kind: 'rect', x: 0, y: 0, w: 1, h: 1, layer: 'bottom', z: 1 },
          h: { kind: 'rect', x: 0, y: 0, w: 1, h: 1, layer: 'hidden' },
          z: { kind: 'rect', x: 0, y: 0, w: 1, h: 1 },
        },
        layers: ['bottom', 'top', { id: 'hidden', visible: false }],
      },
      {},
    );
    expect(p.shapes.map((s) => s.id)).toEqual(['z', 'a', 'b', 'c']);
    expect(p.skipped).toBe(1);
  });

  it('[CONTRACT 5] moves and resizes through state.ops land where the drag ended (any shape form)', () => {
    const stored = fc.oneof(
      fc.record({
        kind: fc.constant('rect'),
        x: coord,
        y: coord,
        w: fc.integer({ min: 4, max: 500 }),
        h: fc.integer({ min: 4, max: 500 }),
      }),
      fc.record({
        kind: fc.constant('ellipse'),
        x: coord,
        y: coord,
        width: fc.integer({ min: 4, max: 500 }),
        height: fc.integer({ min: 4, max: 500 }),
      }),
      fc.record({ kind: fc.constant('line'), x1: coord, y1: coord, x2: coord, y2: coord }),
    );
    fc.assert(
      fc.property(stored, coord, coord, coord, coord, (value, dx, dy, rx, ry) => {
        const doc = new Y.Doc();
        applyStateOps(doc, WHITEBOARD_MANIFEST.roots, [{ op: 'insert', root: 'shapes', key: 's', value }]);
        const read = () => projectWhiteboard({ shapes: doc.getMap('shapes').toJSON() as JsonValue }, {}).shapes[0]!;
        const before = read();
        expect(applyStateOps(doc, WHITEBOARD_MANIFEST.roots, moveShapeOps(before, dx, dy))).toMatchObject({ ok: true });
        const moved = read();
        expect([moved.x, moved.y, moved.w, moved.h]).toEqual([before.x + dx, before.y + dy, before.w, before.h]);
        expect(applyStateOps(doc, WHITEBOARD_MANIFEST.roots, resizeShapeOps(moved, rx, ry))).toMatchObject({
          ok: true,
        });
        const resized = read();
        expect([resized.x, resized.y]).toEqual([moved.x, moved.y]);
        if (moved.kind === 'line') expect([resized.w, resized.h]).toEqual([moved.w + rx, moved.h + ry]);
        else
          expect([resized.w, resized.h]).toEqual([
            Math.max(MIN_SHAPE_SIZE, moved.w + rx),
            Math.max(MIN_SHAPE_SIZE, moved.h + ry),
          ]);
      }),
      { numRuns: 80 },
    );
  });

  it('adds shapes the thumbnail plugin can read', () => {
    const [op] = addShapeOps('t1', 'text', { x: 1, y: 2, w: 30, h: 10 }, { fill: '#ffffff', stroke: '#000000', z: 3 });
    expect(op).toEqual({
      op: 'insert',
      root: 'shapes',
      key: 't1',
      value: { kind: 'text', x: 1, y: 2, w: 30, h: 10, fill: '#ffffff', stroke: '#000000', z: 3, text: 'Text' },
    });
  });

  it('maps client pixels to world units under zoom and "meet" letterboxing', () => {
    expect(toWorld({ left: 10, top: 20, width: 0, height: 0 }, 110, 220, 2)).toEqual({ x: 50, y: 100 });
    // 960x600 view at zoom 1 in a 480x600 box: scale 0.5, vertical letterbox of 150px.
    expect(toWorld({ left: 0, top: 0, width: 480, height: 600 }, 240, 300, 1)).toEqual({ x: 480, y: 300 });
  });
});
