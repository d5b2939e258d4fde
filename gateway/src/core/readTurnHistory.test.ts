import { decodeCursor, turnHistorySchema } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import type { GatewayCore } from './GatewayCore.ts';
import { readTurnHistory } from './readTurnHistory.ts';
import {
  ADMIN,
  command,
  EDITOR,
  harnessPerTest,
  PLANNER,
  SECTION_6_POLICY,
  scopeOf,
  VIEWER,
} from './testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

async function create(core: GatewayCore, canvasId: string) {
  const r = await core.submit(ADMIN, command('canvas.create', scopeOf(canvasId), { canvas_type: 'board' }));
  if (!r.ok) throw new Error(r.error.message);
}

async function turn(core: GatewayCore, canvasId: string, text: string, cancel = false): Promise<string> {
  const sent = await core.submit(EDITOR, command('chat.send', scopeOf(canvasId), { text }));
  if (!sent.ok) throw new Error(sent.error.message);
  const turnId = sent.value.turn_id!;
  if (cancel) {
    const cancelled = await core.submit(EDITOR, command('turn.cancel', scopeOf(canvasId), { turn_id: turnId }));
    if (!cancelled.ok) throw new Error(cancelled.error.message);
  }
  return turnId;
}

function turnIds(history: { events: Array<{ event: { turn_id?: string } }> }): string[] {
  return [...new Set(history.events.map((e) => e.event.turn_id ?? ''))];
}

describe('turn history of a canvas (GET /v1/canvases/{id}/turns)', () => {
  it("returns the newest turns' durable events of that canvas only, in log order, with their cursors", async () => {
    await create(h.core, 'c1');
    await create(h.core, 'c2');
    const first = await turn(h.core, 'c1', 'one', true);
    await turn(h.core, 'c2', 'elsewhere');
    const second = await turn(h.core, 'c1', 'two', true);
    const third = await turn(h.core, 'c1', 'three');
    await h.core.submit(EDITOR, command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'x' }));

    const all = await h.core.listTurns(EDITOR, scopeOf('c1'), 20);
    if (!all.ok) throw new Error(all.error.message);
    expect(turnHistorySchema.safeParse(all.value).success).toBe(true);
    expect(all.value.complete).toBe(true);
    expect(turnIds(all.value)).toEqual([first, second, third]);
    expect(all.value.events.map((e) => e.event.type)).toEqual([
      'turn_accepted',
      'turn_cancelled',
      'turn_accepted',
      'turn_cancelled',
      'turn_accepted',
    ]);
    expect(all.value.events.every((e) => e.event.scope.canvas_id === 'c1')).toBe(true);
    const seqs = all.value.events.map((e) => {
      const c = decodeCursor(e.cursor);
      if (!c.ok) throw new Error(c.reason);
      return c.value.seq;
    });
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(all.value.events[0]!.event.payload).toEqual({ turn_id: first, text: 'one' });

    const newest = await h.core.listTurns(EDITOR, scopeOf('c1'), 2);
    expect(newest.ok && turnIds(newest.value)).toEqual([second, third]);
  });

  it('searches only the newest events of the log (complete: false when older ones were left)', async () => {
    await create(h.core, 'c1');
    const old = await turn(h.core, 'c1', 'old');
    for (let i = 0; i < 5; i++) {
      await h.core.submit(EDITOR, command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: `t${i}` }));
    }
    const recent = await turn(h.core, 'c1', 'recent');
    const view = await h.core.lensView(EDITOR, 'acme/p1');
    const narrow = await readTurnHistory(h.spine, 'acme/p1', 'c1', view, { turns: 10, window: 3, pageSize: 2 });
    expect(narrow.complete).toBe(false);
    expect(turnIds(narrow)).toEqual([recent]);
    const wide = await readTurnHistory(h.spine, 'acme/p1', 'c1', view, { turns: 10, window: 1000, pageSize: 2 });
    expect(wide.complete).toBe(true);
    expect(turnIds(wide)).toEqual([old, recent]);
  });

  it('is filtered by the lens exactly as a stream: each entry is what projectEvent shows that viewer', async () => {
    await create(h.core, 'c1');
    await turn(h.core, 'c1', 'hello', true);
    await turn(h.core, 'c1', 'again');
    await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    const stored = (await h.spine.read('acme/p1', 0, { canvasId: 'c1' })).filter((e) => e.type.startsWith('turn_'));
    expect(stored.length).toBe(3);
    for (const who of [ADMIN, PLANNER, VIEWER]) {
      const view = await h.core.lensView(who, 'acme/p1');
      const expected = stored.flatMap((e) => {
        const json = h.core.projectEvent(view, e);
        return json === null ? [] : [JSON.parse(json)];
      });
      const listed = await h.core.listTurns(who, scopeOf('c1'), 20);
      if (!listed.ok) throw new Error(listed.error.message);
      expect(listed.value.events.map((e) => e.event)).toEqual(expected);
    }
  });

  it('answers an unknown canvas 404, another tenant 403, and appends nothing', async () => {
    await create(h.core, 'c1');
    const head = await h.spine.head('acme/p1');
    const missing = await h.core.listTurns(EDITOR, scopeOf('nope'), 20);
    expect(!missing.ok && missing.error.code).toBe('not_found');
    const other = await h.core.listTurns({ ...EDITOR, tenantId: 'globex' }, scopeOf('c1'), 20);
    expect(!other.ok && other.error.code).toBe('tenant_mismatch');
    expect(await h.spine.head('acme/p1')).toBe(head);
  });
});
