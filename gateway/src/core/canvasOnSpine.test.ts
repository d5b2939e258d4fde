import { describe, expect, it } from 'vitest';
import { meteredSpine } from '../metrics/meteredSpine.ts';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { canvasOnSpine } from './canvasOnSpine.ts';
import { BOARD_CANVAS_TYPE } from './canvasTypes/builtinCanvasTypes.ts';
import { buildEnvelope } from './commands/buildEnvelope.ts';
import { ADMIN, cid, command, harnessPerTest, scopeOf } from './testing/coreHarness.ts';

/** Canvas ids whose snapshot the spine was asked for: a load always asks first. */
const snapshotReads: string[] = [];

const h = harnessPerTest(
  (path) => {
    const spine = meteredSpine(mustOpen({ path, durability: 'normal' }), { append: () => {} });
    const loadSnapshot = spine.loadSnapshot;
    spine.loadSnapshot = (partition, canvasId) => {
      snapshotReads.push(canvasId);
      return loadSnapshot(partition, canvasId);
    };
    return { spine, bus: new MemoryBus() };
  },
  { limits: { snapshotEvery: 2 } },
);

const ACTOR = { id: 'ada', kind: 'human' } as const;

/** Appends events of `canvasId` straight to the spine: no command, no directory record. */
async function appendRaw(canvasId: string, type: 'canvas_created' | 'token_set', payload: object): Promise<void> {
  const envelope = buildEnvelope(type, payload, {
    scope: scopeOf(canvasId),
    actor: ACTOR,
    durable: true,
    causationId: cid(),
    now: Date.now(),
  });
  await h.spine.append({ partition: 'acme/p1', events: [{ type, canvasId, envelope }] }).durable;
}

describe('[CONTRACT 4] canvas existence from the spine, without a rebuild', () => {
  it('[CONTRACT 4] answers as loading does: created, orphaned (no directory record), unrebuildable, snapshot only, unknown', async () => {
    await h.core.submit(ADMIN, command('canvas.create', scopeOf('made'), { canvas_type: 'board' }));
    for (let i = 0; i < 3; i++) {
      await h.core.submit(ADMIN, command('token.set', scopeOf('made'), { token_id: 'plan.title', value: `t${i}` }));
    }
    await appendRaw('orphan', 'canvas_created', {
      canvas_type: 'board',
      title: 'o',
      revision: 0,
      manifest: BOARD_CANVAS_TYPE,
    });
    // History that does not start with canvas_created: its rebuild fails, yet it "exists".
    await appendRaw('broken', 'token_set', { token_id: 'plan.title', value: 'x' });
    await h.reopen({ limits: { snapshotEvery: 2 } });
    const snapshot = await h.spine.loadSnapshot('acme/p1', 'made');
    if (!snapshot) throw new Error('no snapshot of made');
    // A canvas known by its snapshot alone (as after its events were compacted).
    await h.spine.saveSnapshot('acme/p1', { ...snapshot, canvasId: 'snaponly' });
    snapshotReads.length = 0;

    const ids = ['made', 'orphan', 'broken', 'snaponly', 'absent'];
    const cheap: Record<string, boolean> = {};
    for (const id of ids) cheap[id] = await h.core.canvasExistsWithoutLoading(scopeOf(id));
    expect(cheap).toEqual({ made: true, orphan: true, broken: true, snaponly: true, absent: false });
    expect(await canvasOnSpine(h.spine, 'acme/p1', 'made')).toBe(true);
    expect(await h.core.canvasExistsWithoutLoading({ ...scopeOf('x'), canvas_id: undefined })).toBe(false);
    // Only the canvases with neither a record nor an event were looked up by snapshot; none loaded.
    expect(snapshotReads.sort()).toEqual(['absent', 'snaponly']);

    const loaded: Record<string, boolean> = {};
    for (const id of ids) loaded[id] = await h.core.canvasExists(scopeOf(id));
    expect(loaded).toEqual(cheap);
    // The loading check does load (the observable above can fail).
    expect(snapshotReads.filter((id) => id === 'made')).toEqual(['made']);
  });

  it('[CONTRACT 4] a canvas loaded on this node exists at once; the turn history of an unknown canvas is not_found', async () => {
    const created = await h.core.submit(ADMIN, command('canvas.create', scopeOf('live'), { canvas_type: 'board' }));
    expect(created.ok).toBe(true);
    snapshotReads.length = 0;
    expect(await h.core.canvasExistsWithoutLoading(scopeOf('live'))).toBe(true);
    const turns = await h.core.listTurns(ADMIN, scopeOf('live'), 5);
    expect(turns).toEqual({ ok: true, value: { events: [], complete: true } });
    const unknown = await h.core.listTurns(ADMIN, scopeOf('nope'), 5);
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    expect(snapshotReads).toEqual(['nope']);
  });
});
