import { type RejectedEdit, docToJson } from '@easel/transport';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { waitUntil } from './support/world.ts';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';

const BOARD_ROOTS = { notes: 'map', layout: 'map' } as const;

describe('transport commands against a real gateway', () => {
  const suite = gatewayWorldPerSuite();

  it('[CONTRACT 5] a repeated command_id returns duplicate with the original outcome, and one event', async () => {
    const { admin, scope } = await suite.world.newBoard('cmd');
    const t = suite.world.transport(admin, scope).connect();
    expect((await t.ready()).ok).toBe(true);
    const events: Array<string | undefined> = [];
    t.onEvent('token_patch', (e) => events.push(e.causation_id));
    const commandId = 'dup-command-0001';
    const first = await t.setToken('plan.title', 'once', { commandId });
    const again = await t.setToken('plan.title', 'twice?', { commandId });
    expect(first.ok && first.value.status).toBe('committed');
    expect(again.ok && again.value.status).toBe('duplicate');
    if (!first.ok || !again.ok) return;
    expect(again.value.cursor).toBe(first.value.cursor);
    expect(again.value.revision).toBe(first.value.revision);
    // A later write, so that waiting for it proves nothing else arrived for the duplicate.
    const later = await t.setToken('plan.note', 'after');
    expect(later.ok).toBe(true);
    if (!later.ok) return;
    expect((await t.awaitCursor(later.value.cursor)).ok).toBe(true);
    expect(events.filter((id) => id === commandId)).toHaveLength(1);
    expect(t.tokens['plan.title']).toBe('once');
    expect((await suite.world.getCanvas(admin, scope)).tokens['plan.title']).toBe('once');
  });

  it('[CONTRACT 5] a stale expected_revision is 409 conflict and nothing is applied', async () => {
    const { admin, scope } = await suite.world.newBoard('cmd');
    const t = suite.world.transport(admin, scope).connect();
    expect((await t.ready()).ok).toBe(true);
    const set = await t.setToken('plan.title', 'v1');
    expect(set.ok).toBe(true);
    if (!set.ok) return;
    const current = set.value.revision;
    const stale = await t.setToken('plan.title', 'stale write', { expectedRevision: current - 1 });
    expect(stale.ok).toBe(false);
    if (stale.ok) return;
    expect(stale.error).toMatchObject({ code: 'conflict', status: 409 });
    expect(stale.error.message.length).toBeGreaterThan(0);
    const fresh = await t.setToken('plan.title', 'v2', { expectedRevision: current });
    expect(fresh.ok && fresh.value.revision).toBe(current + 1);
    const read = await suite.world.getCanvas(admin, scope);
    expect(read.tokens['plan.title']).toBe('v2');
    expect(read.revision).toBe(current + 1);
  });

  it('[CONTRACT 6] a planner editing layout through the transport is refused (403) and the edit is reverted', async () => {
    const { admin, project, scope } = await suite.world.newBoard('cmd');
    await suite.world.putLens(admin, project);
    const director = suite.world.transport(await suite.world.token(['director'], 'dora'), scope).connect();
    expect((await director.ready()).ok).toBe(true);
    const seeded = await director.applyOps([
      { op: 'insert', root: 'layout', key: 'col-1', value: { x: 10, notes: ['a'] } },
      { op: 'insert', root: 'notes', key: 'n1', value: { text: 'hello' } },
    ]);
    expect(seeded.ok, JSON.stringify(seeded)).toBe(true);
    if (!seeded.ok) return;

    const planner = suite.world.transport(await suite.world.token(['planner'], 'pete'), scope).connect();
    const rejected: RejectedEdit[] = [];
    planner.onRejected((r) => rejected.push(r));
    expect((await planner.ready()).ok).toBe(true);
    expect((await planner.awaitCursor(seeded.value.cursor)).ok).toBe(true);
    const before = docToJson(planner.doc, BOARD_ROOTS);
    expect(before.layout).toEqual({ 'col-1': { x: 10, notes: ['a'] } });

    // Insert, nested edit and delete in layout, all in one local transaction.
    const doc = planner.doc;
    doc.transact(() => {
      const layout = doc.getMap<unknown>('layout');
      layout.set('col-2', 'new column');
      const col = layout.get('col-1');
      if (col instanceof Y.Map) (col.get('notes') as Y.Array<string>).insert(1, ['b']);
      doc.getMap<unknown>('notes').delete('n1');
    });
    expect(docToJson(planner.doc, BOARD_ROOTS)).not.toEqual(before);
    await planner.flushLocalEdits();
    await waitUntil(() => rejected.length > 0, 10_000, 'the refusal');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ code: 'forbidden', status: 403, rolledBack: 0 });
    expect(docToJson(planner.doc, BOARD_ROOTS)).toEqual(before);

    // The planner may write notes: that edit goes through and reaches the director.
    planner.doc.getMap<unknown>('notes').set('n2', 'from the planner');
    await planner.flushLocalEdits();
    expect(rejected).toHaveLength(1);
    const marker = await director.setToken('plan.note', 'sync');
    expect(marker.ok).toBe(true);
    if (!marker.ok) return;
    for (const t of [director, planner]) expect((await t.awaitCursor(marker.value.cursor)).ok).toBe(true);
    const read = await suite.world.getCanvas(admin, scope);
    expect(read.state.notes.n2).toBe('from the planner');
    expect(read.state.layout).toEqual({ 'col-1': { x: 10, notes: ['a'] } });
    expect(docToJson(director.doc, BOARD_ROOTS)).toEqual(read.state);
    expect(docToJson(planner.doc, BOARD_ROOTS)).toEqual(read.state);
  });
});
