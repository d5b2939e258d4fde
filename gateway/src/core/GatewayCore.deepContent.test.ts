import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { GatewayCore } from './GatewayCore.ts';
import { ADMIN, command, harnessPerTest, scopeOf } from './testing/coreHarness.ts';
import {
  appendLegacyStatePatches,
  DEEP_CANVAS_MANIFEST,
  deepBlockUpdate,
  deepChainUpdates,
} from './testing/deepChainUpdates.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

const P = 'acme/p1';
const s = scopeOf('deep');

/** Revisions of {@link legacyDeepCanvas}: `clean` committed before the attack, `deep` after. */
interface LegacyRevisions {
  readonly clean: number;
  readonly deep: number;
}

/** Submits a command; the outcome's revision, or the error. */
async function submit(type: string, payload: unknown) {
  return h.core.submit(ADMIN, command(type, s, payload));
}

async function revisionOf(): Promise<number> {
  const read = await h.core.readCanvas(ADMIN, s);
  if (!read.ok) throw new Error(read.error.message);
  return read.value.revision;
}

async function stateOf(): Promise<Record<string, unknown>> {
  const read = await h.core.readCanvas(ADMIN, s);
  if (!read.ok) throw new Error(read.error.message);
  return read.value.state as Record<string, unknown>;
}

/**
 * A canvas that took the deep-nesting attack before raw updates were capped: `notes.deep` and
 * `blocks[0]` hold 3000 nested Y.Maps. The attack is appended to the spine as stored
 * `state_patch` events (the cap refuses it as a command) and the core reopened to load it.
 */
async function legacyDeepCanvas(): Promise<LegacyRevisions> {
  expect((await h.core.putCanvasType(ADMIN, 'p1', 'deep', DEEP_CANVAS_MANIFEST)).ok).toBe(true);
  expect((await submit('canvas.create', { canvas_type: 'deep' })).ok).toBe(true);
  const ops = await submit('state.ops', {
    ops: [
      { op: 'insert', root: 'notes', key: 'kept', value: 1 },
      { op: 'insert', root: 'blocks', value: { id: 'b0' } },
    ],
  });
  expect(ops.ok).toBe(true);
  expect((await submit('canvas.commit', { message: 'clean' })).ok).toBe(true);
  const clean = await revisionOf();

  const notesAttack = deepChainUpdates(new Y.Doc(), 3000, 1)[0]!;
  // Built on the canvas's state, so it goes before b0.
  const src = new Y.Doc();
  const ready = await h.core.canvasReady(ADMIN, s, await h.core.lensView(ADMIN, P), { snapshot: true, reset: false });
  const full = ready.ok ? ready.value.payload.snapshot?.update : undefined;
  if (full === undefined) throw new Error('CANVAS_READY without a snapshot');
  Y.applyUpdate(src, Buffer.from(full, 'base64'));
  const raw: Array<[string, Uint8Array]> = [
    ['notes', notesAttack],
    ['blocks', deepBlockUpdate(src, 3000, { index: 0 })],
  ];
  const revision = await appendLegacyStatePatches(h.spine, s, raw, clean, 'ada');
  await h.reopen();
  expect(await revisionOf()).toBe(revision);
  // canvas.commit on such a canvas works (it saves the state as a commit snapshot).
  const committed = await submit('canvas.commit', { message: 'deep' });
  expect(committed).toMatchObject({ ok: true, value: { status: 'committed', revision } });
  return { clean, deep: revision };
}

/** Nothing applied: same revision, no event appended, nothing published. */
async function expectUnchanged(revision: number, head: number, published: number): Promise<void> {
  expect(await revisionOf()).toBe(revision);
  expect(await h.spine.head(P)).toBe(head);
  expect(h.events.length).toBe(published);
}

describe('[CONTRACT 3] commands on a canvas holding content nested deeper than the cap (WIRE-NOTES)', () => {
  it('[CONTRACT 3] a state.ops move of an over-deep element and a revert to a revision holding it are coded 400s, nothing applied', async () => {
    const { deep } = await legacyDeepCanvas();
    const head = await h.spine.head(P);
    const published = h.events.length;

    const move = await submit('state.ops', { ops: [{ op: 'move', root: 'blocks', from: 0, to: 1 }] });
    expect(move).toEqual({
      ok: false,
      error: {
        code: 'validation_failed',
        message:
          'ops[0]: blocks[0] is nested deeper than 64 levels; delete it with state.ops delete instead of moving it',
        details: { root: 'blocks', index: 0, max_depth: 64 },
      },
    });
    await expectUnchanged(deep, head, published);

    // Writing into the deep content works.
    const into = await submit('state.ops', {
      ops: [{ op: 'update', root: 'notes', key: 'deep', path: ['c', 'c', 'x'], value: { y: [1, 2] } }],
    });
    expect(into).toMatchObject({ ok: true, value: { revision: deep + 1 } });
    const deepNote = ((await stateOf()).notes as { deep: { c: { c: Record<string, unknown> } } }).deep;
    expect(deepNote.c.c.x).toEqual({ y: [1, 2] });

    // Deleting works; restoring a revision that held what was deleted is refused, map key or element.
    const refusals = [
      {
        op: { op: 'delete', root: 'notes', key: 'deep' },
        where: `notes["deep"] (root 'notes')`,
        details: { root: 'notes', key: 'deep' },
      },
      {
        op: { op: 'delete', root: 'blocks', index: 0 },
        where: `blocks[0] (root 'blocks')`,
        details: { root: 'blocks', index: 0 },
      },
    ];
    let revision = deep + 1;
    for (const { op, where, details } of refusals) {
      expect(await submit('state.ops', { ops: [op] })).toMatchObject({ ok: true, value: { revision: revision + 1 } });
      revision += 1;
      const headNow = await h.spine.head(P);
      const publishedNow = h.events.length;
      const revert = await submit('canvas.revert', { revision: deep });
      expect(revert).toEqual({
        ok: false,
        error: {
          code: 'validation_failed',
          message: `canvas.revert: revision ${deep} cannot be restored: it holds ${where} nested deeper than 64 levels, which can no longer be written; revert to a revision without it`,
          details: { revision: deep, ...details, max_depth: 64 },
        },
      });
      await expectUnchanged(revision, headNow, publishedNow);
      expect((await stateOf()).notes).toEqual({ kept: 1 });
    }

    expect((await stateOf()).blocks).toEqual([{ id: 'b0' }]);
    // The canvas is fine: later commands commit, also after a restart.
    expect(await submit('state.ops', { ops: [{ op: 'insert', root: 'notes', key: 'after', value: 2 }] })).toMatchObject(
      {
        ok: true,
        value: { revision: revision + 1 },
      },
    );
    await h.reopen();
    expect(await stateOf()).toEqual({ blocks: [{ id: 'b0' }], notes: { kept: 1, after: 2 } });
  });

  it('[CONTRACT 5] a revert from over-deep content to a revision without it applies, and replays after a restart', async () => {
    const { clean, deep } = await legacyDeepCanvas();
    const revert = await submit('canvas.revert', { revision: clean });
    expect(revert).toMatchObject({ ok: true, value: { revision: deep + 1 } });
    expect(await stateOf()).toEqual({ blocks: [{ id: 'b0' }], notes: { kept: 1 } });
    // Another core loads it from the spine: the last snapshot predates the attack, so it replays
    // the attack and the revert's update (whose deletes are ordered children first).
    const other = await GatewayCore.open({ spine: h.spine, bus: new MemoryBus() });
    try {
      const read = await other.readCanvas(ADMIN, s);
      expect(read).toMatchObject({ ok: true, value: { revision: deep + 1, state: { notes: { kept: 1 } } } });
      expect(read.ok && read.value.state.blocks).toEqual([{ id: 'b0' }]);
    } finally {
      await other.close();
    }
    await h.reopen();
    expect(await revisionOf()).toBe(deep + 1);
    expect(await stateOf()).toEqual({ blocks: [{ id: 'b0' }], notes: { kept: 1 } });
    expect(await submit('state.ops', { ops: [{ op: 'insert', root: 'notes', key: 'after', value: 2 }] })).toMatchObject(
      {
        ok: true,
        value: { revision: deep + 2 },
      },
    );
  });
});
