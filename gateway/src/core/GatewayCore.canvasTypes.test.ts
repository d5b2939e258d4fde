import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { BOARD_CANVAS_TYPE } from './canvasTypes/builtinCanvasTypes.ts';
import { ADMIN, DIRECTOR, harnessPerTest, PLANNER, SECTION_6_POLICY } from './testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

/** `board` plus a director-only token with a telling default (the §6 example: planners read `plan.*`). */
const SECRET_BOARD = {
  ...BOARD_CANVAS_TYPE,
  tokens: {
    ...BOARD_CANVAS_TYPE.tokens,
    'plan.title': { type: 'string', default: 'Plan' },
    'director.secret': { type: 'string', max_length: 200, default: 'Launch moves to Thursday' },
  },
};

async function install(): Promise<void> {
  const policy = await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
  if (!policy.ok) throw new Error(policy.error.message);
  const put = await h.core.putCanvasType(ADMIN, 'p1', 'board', SECRET_BOARD);
  if (!put.ok) throw new Error(put.error.message);
}

describe('GatewayCore canvas types through the lens', () => {
  it('[CONTRACT 6] a planner reads the manifest without the token declarations its lens hides, defaults included', async () => {
    await install();
    const one = await h.core.getCanvasType(PLANNER, 'p1', 'board');
    expect(one.ok).toBe(true);
    if (!one.ok) return;
    expect(Object.keys(one.value.tokens)).toContain('plan.title');
    expect(Object.keys(one.value.tokens)).not.toContain('director.secret');
    expect(JSON.stringify(one.value)).not.toContain('Launch moves to Thursday');
    expect(one.value.roots).toEqual(SECRET_BOARD.roots);

    const list = await h.core.listCanvasTypes(PLANNER, 'p1');
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    expect(list.value.canvas_types.map((t) => t.type)).toContain('board');
    expect(JSON.stringify(list.value)).not.toContain('director.secret');
    expect(JSON.stringify(list.value)).not.toContain('Launch moves to Thursday');
  });

  it('[CONTRACT 6] a director and an admin see every declaration and default', async () => {
    await install();
    const director = await h.core.getCanvasType(DIRECTOR, 'p1', 'board');
    expect(director.ok && director.value.tokens['director.secret']?.default).toBe('Launch moves to Thursday');
    const admin = await h.core.listCanvasTypes(ADMIN, 'p1');
    const board = admin.ok ? admin.value.canvas_types.find((t) => t.type === 'board') : undefined;
    expect(board?.tokens).toEqual(SECRET_BOARD.tokens);
  });

  it('[CONTRACT 6] an unknown type is still not_found for a non-admin', async () => {
    await install();
    const missing = await h.core.getCanvasType(PLANNER, 'p1', 'nope');
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });
});
