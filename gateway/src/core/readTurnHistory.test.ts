import { decodeCursor, type LensPolicy, turnHistorySchema } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import type { GatewayCore } from './GatewayCore.ts';
import { readTurnHistory } from './readTurnHistory.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf, VIEWER } from './testing/coreHarness.ts';

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

  it('is filtered by the lens like a stream: a role that may not see a turn event gets it left out', async () => {
    await create(h.core, 'c1');
    await turn(h.core, 'c1', 'hello');
    const viewer = await h.core.listTurns(VIEWER, scopeOf('c1'), 20);
    expect(viewer.ok && viewer.value.events.map((e) => e.event.type)).toEqual(['turn_accepted']);
    // A policy that hides the canvas's state and tokens from viewers still shows the turn's prompt
    // (turn_accepted carries no canvas content), exactly as the viewer's stream would.
    const policy: LensPolicy = {
      roles: {
        admin: {
          tokens: { read: ['*'], write: ['*'] },
          state: { read: ['*'], write: ['*'] },
          sidecars: { see: true, resolve: true },
          commands: ['*'],
        },
      },
      default_role: 'viewer',
    };
    await h.core.putLensPolicy(ADMIN, 'p1', policy);
    const view = await h.core.lensView(VIEWER, 'acme/p1');
    const [stored] = (await h.spine.read('acme/p1', 0, { canvasId: 'c1' })).filter((e) => e.type === 'turn_accepted');
    const onStream = h.core.projectEvent(view, stored!);
    const listed = await h.core.listTurns(VIEWER, scopeOf('c1'), 20);
    expect(listed.ok && listed.value.events.length).toBe(onStream === null ? 0 : 1);
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
