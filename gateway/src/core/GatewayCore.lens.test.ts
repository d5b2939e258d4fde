import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import * as Y from 'yjs';
import type { Principal } from './auth/Principal.ts';
import {
  ADMIN,
  command,
  DIRECTOR,
  EDITOR,
  harnessPerTest,
  PLANNER,
  SECTION_6_POLICY,
  scopeOf,
  VIEWER,
  yUpdate,
} from './testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const s = scopeOf('c1');

beforeEach(async () => {
  const created = await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
});

async function fullState(): Promise<Uint8Array> {
  const view = await h.core.lensView(ADMIN, 'acme/p1');
  const ready = await h.core.canvasReady(ADMIN, s, view, { snapshot: true, reset: false });
  if (!ready.ok || !ready.value.payload.snapshot?.update) throw new Error('no snapshot');
  return new Uint8Array(Buffer.from(ready.value.payload.snapshot.update, 'base64'));
}

async function revision(): Promise<number> {
  const read = await h.core.readCanvas(ADMIN, s);
  if (!read.ok) throw new Error(read.error.message);
  return read.value.revision;
}

describe('GatewayCore and the lens', () => {
  it('[CONTRACT 6] only an admin may PUT a policy or register a canvas type', async () => {
    const byEditor = await h.core.putLensPolicy(EDITOR, 'p1', SECTION_6_POLICY);
    expect(!byEditor.ok && byEditor.error.code).toBe('forbidden');
    const type = { type: 'mini', version: '1.0.0', title: 'Mini', roots: { notes: 'map' } };
    const typeByEditor = await h.core.putCanvasType(EDITOR, 'p1', 'mini', type);
    expect(!typeByEditor.ok && typeByEditor.error.code).toBe('forbidden');
    expect((await h.core.putCanvasType(ADMIN, 'p1', 'mini', type)).ok).toBe(true);
    const mismatch = await h.core.putCanvasType(ADMIN, 'p1', 'other', type);
    expect(!mismatch.ok && mismatch.error.code).toBe('validation_failed');
    const badProject = await h.core.putLensPolicy(ADMIN, 'Bad Project', SECTION_6_POLICY);
    expect(!badProject.ok && badProject.error.message).toContain('project_id');
    const byAdmin = await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    expect(byAdmin.ok).toBe(true);
    const got = await h.core.getLensPolicy(VIEWER, 'p1');
    expect(got.ok && Object.keys(got.value.roles).sort()).toEqual(['director', 'planner']);
    const list = await h.core.listCanvasTypes(VIEWER, 'p1');
    expect(list.ok && list.value.canvas_types.map((t) => t.type)).toEqual(['board', 'mini', 'whiteboard']);
    const missing = await h.core.getCanvasType(VIEWER, 'p1', 'nope');
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });

  it('[CONTRACT 6] lens refusal applies nothing: no revision change, no event', async () => {
    await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    const before = h.events.length;
    const r = await h.core.submit(PLANNER, command('token.set', s, { token_id: 'style.color', value: '#ffffff' }));
    expect(!r.ok && r.error.code).toBe('forbidden');
    const create = await h.core.submit(PLANNER, command('canvas.create', scopeOf('c9'), { canvas_type: 'board' }));
    expect(!create.ok && create.error.code).toBe('forbidden');
    expect(await revision()).toBe(0);
    expect(h.events.length).toBe(before);
    const allowed = await h.core.submit(PLANNER, command('token.set', s, { token_id: 'plan.title', value: 'ok' }));
    expect(allowed.ok && allowed.value.revision).toBe(1);
  });

  it('[CONTRACT 6] forbidden-root updates are refused whole: inserts, nested items, delete-only', async () => {
    await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    // The director builds content in both roots.
    const seed = await h.core.submit(
      DIRECTOR,
      command('state.update', s, {
        update: yUpdate((d) => {
          const box = new Y.Map<unknown>();
          d.getMap('layout').set('box', box);
          box.set('x', 1);
          d.getMap('layout').set('plain', 1);
          d.getMap('notes').set('n', 'note');
        }),
      }),
    );
    expect(seed.ok).toBe(true);
    const base = await fullState();
    const rev = await revision();
    const events = h.events.length;
    const attempts = {
      insert: yUpdate((d) => d.getMap('layout').set('evil', 1), base),
      nested: yUpdate((d) => (d.getMap('layout').get('box') as Y.Map<unknown>).set('x', 2), base),
      deleteOnly: yUpdate((d) => d.getMap('layout').delete('plain'), base),
      mixed: yUpdate((d) => {
        d.getMap('notes').set('ok', 1);
        d.getMap('layout').set('bad', 1);
      }, base),
    };
    for (const [name, update] of Object.entries(attempts)) {
      const r = await h.core.submit(PLANNER, command('state.update', s, { update }));
      expect(!r.ok && r.error.code, name).toBe('forbidden');
      expect(!r.ok && r.error.message, name).toContain("'layout'");
    }
    expect(await revision()).toBe(rev);
    expect(h.events.length).toBe(events);
    const read = await h.core.readCanvas(DIRECTOR, s);
    expect(read.ok && read.value.state).toEqual({ notes: { n: 'note' }, layout: { box: { x: 1 }, plain: 1 } });
    const allowed = await h.core.submit(
      PLANNER,
      command('state.update', s, { update: yUpdate((d) => d.getMap('notes').set('ok', 1), base) }),
    );
    expect(allowed.ok && allowed.value.revision).toBe(rev + 1);
    const garbage = await h.core.submit(PLANNER, command('state.update', s, { update: 'AAECAwQF' }));
    expect(!garbage.ok && garbage.error.code).toBe('validation_failed');
  });

  it('[CONTRACT 6] a planner never sees a token it may not read (read, CANVAS_READY, events)', async () => {
    await h.core.submit(ADMIN, command('token.set', s, { token_id: 'style.color', value: '#123456' }));
    await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    await h.core.submit(DIRECTOR, command('token.set', s, { token_id: 'style.color', value: '#abcdef' }));
    await h.core.submit(DIRECTOR, command('token.set', s, { token_id: 'plan.title', value: 'visible' }));
    const read = await h.core.readCanvas(PLANNER, s);
    expect(read.ok && read.value.tokens['plan.title']).toBe('visible');
    expect(read.ok && JSON.stringify(read.value)).not.toMatch(/123456|abcdef/);
    const view = await h.core.lensView(PLANNER, 'acme/p1');
    const ready = await h.core.canvasReady(PLANNER, s, view, { snapshot: true, reset: false });
    expect(ready.ok && JSON.stringify(ready.value.payload)).not.toMatch(/123456|abcdef/);
    expect(ready.ok && ready.value.payload.snapshot?.tokens['plan.title']).toBe('visible');
    // The manifest it gets declares only tokens it may read (a declared default can carry content).
    const declared = ready.ok ? Object.keys(ready.value.payload.manifest.tokens) : [];
    expect(declared).toContain('plan.title');
    expect(declared).not.toContain('style.color');
    const full = await h.core.canvasReady(DIRECTOR, s, await h.core.lensView(DIRECTOR, 'acme/p1'), {
      snapshot: false,
      reset: false,
    });
    expect(full.ok && Object.keys(full.value.payload.manifest.tokens)).toContain('style.color');
    const seen = h.events.map((e) => h.core.projectEvent(view, e)).filter((x): x is string => x !== null);
    expect(seen.some((x) => x.includes('visible'))).toBe(true);
    expect(seen.join('\n')).not.toMatch(/123456|abcdef/);
    const director = await h.core.lensView(DIRECTOR, 'acme/p1');
    expect(h.events.map((e) => h.core.projectEvent(director, e))).toEqual(h.events.map((e) => e.envelope));
  });

  it('[CONTRACT 6] a partial reader keeps a Yjs doc of exactly its roots from CANVAS_READY and redacted patches', async () => {
    await h.core.putLensPolicy(ADMIN, 'p1', {
      roles: {
        notesOnly: { tokens: { read: ['*'] }, state: { read: ['notes'] }, commands: [] },
        director: SECTION_6_POLICY.roles.director,
      },
    });
    const reader: Principal = { actorId: 'r', tenantId: 'acme', kind: 'human', roles: ['notesOnly'] };
    const secret = 'top-secret-layout';
    await h.core.submit(
      DIRECTOR,
      command('state.ops', s, { ops: [{ op: 'insert', root: 'layout', key: 'k', value: secret }] }),
    );
    await h.core.submit(
      DIRECTOR,
      command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: 'a', value: 'A' }] }),
    );
    const view = await h.core.lensView(reader, 'acme/p1');
    const ready = await h.core.canvasReady(reader, s, view, { snapshot: true, reset: false });
    if (!ready.ok) throw new Error(ready.error.message);
    const mirror = new Y.Doc();
    Y.applyUpdate(mirror, new Uint8Array(Buffer.from(ready.value.payload.snapshot!.update!, 'base64')));
    expect(Buffer.from(ready.value.payload.snapshot!.update!, 'base64').toString('latin1')).not.toContain(secret);
    let seq = ready.value.seq;
    // A director client editing both roots in one update, several times.
    for (let i = 0; i < 4; i++) {
      const base = await fullState();
      const update = yUpdate((d) => {
        d.getMap('notes').set(`n${i}`, { i });
        d.getMap('layout').set(`l${i}`, `${secret}-${i}`);
        if (i === 2) d.getMap('notes').delete('a');
      }, base);
      const r = await h.core.submit(DIRECTOR, command('state.update', s, { update }));
      expect(r.ok).toBe(true);
    }
    for (const event of h.events) {
      if (event.seq === null || event.seq <= seq) continue;
      seq = event.seq;
      const json = h.core.projectEvent(view, event);
      if (json === null) continue;
      expect(json).not.toContain('root_ranges');
      const env = JSON.parse(json);
      if (env.type !== 'state_patch') continue;
      expect(env.payload.roots).not.toContain('layout');
      const bytes = new Uint8Array(Buffer.from(env.payload.update, 'base64'));
      expect(Buffer.from(bytes).toString('latin1')).not.toContain(secret);
      Y.applyUpdate(mirror, bytes);
      expect(mirror.store.pendingStructs).toBeNull();
    }
    const truth = await h.core.readCanvas(DIRECTOR, s);
    if (!truth.ok) throw new Error(truth.error.message);
    expect(Object.keys(truth.value.state.notes as object).length).toBe(4);
    expect(mirror.getMap('notes').toJSON()).toEqual(truth.value.state.notes);
    expect(mirror.getMap('layout').toJSON()).toEqual({});
  });

  it('[CONTRACT 6] snapshot_created is hidden unless sidecars.see; telemetry passes', async () => {
    await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    const planner = await h.core.lensView(PLANNER, 'acme/p1');
    const director = await h.core.lensView(DIRECTOR, 'acme/p1');
    const event = {
      partition: 'acme/p1',
      seq: 99,
      canvasId: 'c1',
      type: 'snapshot_created',
      envelope: '{"payload":{}}',
    };
    expect(h.core.projectEvent(planner, event)).toBeNull();
    expect(h.core.projectEvent(director, event)).toBe(event.envelope);
    h.core.publishTelemetry(s, { id: 'job', kind: 'service' }, 'progress', { percent: 50 });
    const last = h.events[h.events.length - 1]!;
    expect(last.seq).toBeNull();
    expect(JSON.parse(last.envelope)).toMatchObject({ type: 'progress', durable: false, payload: { percent: 50 } });
    expect(h.core.projectEvent(planner, last)).toBe(last.envelope);
  });

  it('[CONTRACT 6] onLensChanged fires after a policy put; lensView of another tenant denies all', async () => {
    const seen: string[] = [];
    const off = h.core.onLensChanged((p) => seen.push(p));
    await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
    off();
    expect(seen).toEqual(['acme/p1']);
    const foreign = await h.core.lensView(ADMIN, 'other/p1');
    expect(foreign.canReadRoot('notes')).toBe(false);
  });
});
