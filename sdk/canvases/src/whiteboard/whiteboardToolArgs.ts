import type { JsonValue } from '@easel/schemas';
import { newId } from '../lib/newId.ts';
import type { WhiteboardProjection } from './projectWhiteboard.ts';
import { addShapeOps } from './whiteboardOps.ts';

/**
 * The whiteboard's manifest tools run from the harness toolbar (ToolPop): `add-shape` adds a
 * rectangle, staggered like the canvas's own "Add shape", above every other shape.
 */
export const whiteboardToolArgs = {
  'add-shape': (projection: WhiteboardProjection): JsonValue => {
    const count = projection.shapes.length;
    const z = projection.shapes.reduce((max, s) => Math.max(max, s.z), 0) + 1;
    const box = { x: 40 + ((count * 24) % 480), y: 40 + ((count * 24) % 280), w: 160, h: 100 };
    return {
      ops: addShapeOps(newId('shape'), 'rect', box, {
        fill: projection.fill,
        stroke: projection.stroke,
        z,
      }) as JsonValue,
    };
  },
} as const;
