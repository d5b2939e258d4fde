import { stateOpsCommandPayloadSchema, WHITEBOARD_MANIFEST } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { projectWhiteboard } from './projectWhiteboard.ts';
import { whiteboardToolArgs } from './whiteboardToolArgs.ts';

describe('whiteboardToolArgs', () => {
  it('[CONTRACT 5] add-shape (the toolbar tool) is a valid state.ops payload adding a rectangle above the others', () => {
    const state = { shapes: { s1: { kind: 'rect', x: 0, y: 0, w: 10, h: 10, z: 3 } } };
    const payload = whiteboardToolArgs['add-shape'](projectWhiteboard(state, {}));
    expect(stateOpsCommandPayloadSchema.safeParse(payload).success).toBe(true);
    const op = (payload as { ops: Array<{ op: string; root: string; value: Record<string, unknown> }> }).ops[0]!;
    expect(op).toMatchObject({ op: 'insert', root: 'shapes', value: { kind: 'rect', z: 4, w: 160, h: 100 } });
    expect(WHITEBOARD_MANIFEST.tools.some((t) => t.id === 'add-shape')).toBe(true);
  });
});
