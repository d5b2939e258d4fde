import { commandSchema, entityIdSchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../flows/flowSchema.ts';
import { createCommandId, flowCanvasScope } from './prepareFlow.ts';

const entityId = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,63}$/),
  fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/),
);

describe('canvas creation commands', () => {
  it('[CONTRACT 5] every canvas id yields a valid canvas.create command, the same one each time', () => {
    const flow = parseFlow({
      name: 'p',
      template: 'split',
      canvases: [
        { canvas_id: 'a', canvas_type: 'board', title: 'A' },
        { canvas_id: 'b', canvas_type: 'board', title: 'B' },
      ],
    });
    if (!flow.ok) throw new Error(flow.error.message);
    fc.assert(
      fc.property(entityId, (canvasId) => {
        expect(entityIdSchema.safeParse(canvasId).success).toBe(true);
        const command = {
          command_id: createCommandId(canvasId),
          type: 'canvas.create',
          scope: flowCanvasScope(flow.value, canvasId),
          payload: { canvas_type: 'board', title: 'T' },
        };
        const parsed = commandSchema.safeParse(command);
        expect(parsed.success, JSON.stringify(command)).toBe(true);
        if (command.command_id.startsWith('create.')) expect(createCommandId(canvasId)).toBe(command.command_id);
      }),
      { numRuns: 300 },
    );
    expect(createCommandId('demo-board')).toBe('create.demo-board');
  });
});
