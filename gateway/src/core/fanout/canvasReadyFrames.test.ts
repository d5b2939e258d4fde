import type { CanvasReadyPayload, Scope } from '@easel/schemas';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { openSqliteSpine } from '../../spine/index.ts';
import type { Principal } from '../auth/Principal.ts';
import { cachedSnapshotBytes } from '../canvas/fullSnapshot.ts';
import { harnessPerTest } from '../testing/coreHarness.ts';
import { canvasReadyFrames, framePartsText } from './canvasReadyFrames.ts';
import { encodeEventFrame } from './sseFrames.ts';
import { StreamHub } from './StreamHub.ts';
import { TestSink } from './TestSink.ts';

// CANVAS_READY frames (WIRE-NOTES, paint first): over a real core and SQLite spine, a `?paint=state`
// full viewer gets CANVAS_READY (state, update_follows) and CANVAS_READY_UPDATE back to back; the
// large snapshot texts are written as the revision's cached bytes, identical to a fresh encoding.

const admin: Principal = { actorId: 'ann', tenantId: 'acme', kind: 'human', roles: ['admin'] };
const base = { tenant_id: 'acme', project_id: 'proj', app_id: 'app', surface_id: 'main', mode: 'edit' };
const MANIFEST = {
  type: 'paintboard',
  version: '1.0.0',
  title: 'Paint board',
  roots: { notes: 'map', layout: 'map' },
  tokens: { 'plan.title': { type: 'string', max_length: 4000, default: '' } },
  tools: [],
};

const h = harnessPerTest((file) => {
  const opened = openSqliteSpine({ path: file, durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  return { spine: opened.value, bus: new MemoryBus() };
});
let hubs: StreamHub[] = [];
let scope: Scope;

async function submit(type: string, payload: object): Promise<void> {
  const res = await h.core.submit(admin, { command_id: ulid(), type, scope, payload });
  if (!res.ok) throw new Error(res.error.message);
}

beforeEach(async () => {
  const put = await h.core.putCanvasType(admin, 'proj', 'paintboard', MANIFEST);
  if (!put.ok) throw new Error(put.error.message);
  scope = { ...base, canvas_id: 'c1' };
  await submit('canvas.create', { canvas_type: 'paintboard' });
  // Large enough (≥ 64 KiB of JSON and of base64) that both texts are cached per revision.
  const ops = Array.from({ length: 900 }, (_, i) => ({
    op: 'insert',
    root: 'notes',
    key: `n${i}`,
    value: { text: `note ${i} with "quotes", \\ and ünïcode — a line of text`, order: i },
  }));
  for (let i = 0; i < ops.length; i += 300) await submit('state.ops', { ops: ops.slice(i, i + 300) });
});

afterEach(() => {
  for (const hub of hubs) hub.close();
  hubs = [];
});

async function open(paintState: boolean, principal: Principal = admin): Promise<TestSink> {
  const hub = new StreamHub(h.core, {});
  hubs.push(hub);
  const sink = new TestSink();
  const opened = await hub.open({ principal, scope, kind: 'canvas', after: null, sink, paintState });
  if (!opened.ok) throw new Error(opened.error.message);
  return sink;
}

const decodedNotes = (update: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, 'base64'));
  return doc.getMap('notes').toJSON();
};

/** A deterministic envelope, so a spliced frame can be compared with a fresh encoding. */
const envelope = (type: string, payload: object) => JSON.stringify({ v: 1, type, durable: false, payload });

/** A copy with nothing cached (the caches key on the objects and texts they built). */
const fresh = (p: object) => JSON.parse(JSON.stringify(p)) as object;

/** The text `canvasReadyFrames` must produce for `payload`, serialized afresh: two frames when painting first. */
function freshFrames(payload: CanvasReadyPayload, paintFirst: boolean): string {
  if (!paintFirst) return encodeEventFrame(null, 'CANVAS_READY', envelope('CANVAS_READY', fresh(payload)));
  const { update, ...rest } = payload.snapshot!;
  return (
    encodeEventFrame(
      null,
      'CANVAS_READY',
      envelope('CANVAS_READY', fresh({ ...payload, snapshot: { ...rest, update_follows: true } })),
    ) +
    encodeEventFrame(
      null,
      'CANVAS_READY_UPDATE',
      envelope('CANVAS_READY_UPDATE', fresh({ canvas_id: payload.canvas_id, revision: payload.revision, update })),
    )
  );
}

describe('canvasReadyFrames', () => {
  it('[CONTRACT 4] paint first: CANVAS_READY (state, update_follows) then CANVAS_READY_UPDATE, back to back, without id', async () => {
    const sink = await open(true);
    const events = sink.events();
    expect(events.map((e) => e.event)).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE']);
    expect(events.map((e) => e.id)).toEqual([null, null]);
    const [ready, update] = events as [(typeof events)[0], (typeof events)[0]];
    expect(Object.keys(ready.json.payload.snapshot)).toEqual(['state', 'tokens', 'update_follows']);
    expect(ready.json.payload.snapshot.update_follows).toBe(true);
    expect(Object.keys(update.json.payload)).toEqual(['canvas_id', 'revision', 'update']);
    expect(update.json.payload).toMatchObject({ canvas_id: 'c1', revision: ready.json.payload.revision });
    expect(update.json).toMatchObject({ type: 'CANVAS_READY_UPDATE', durable: false, scope, v: 1 });
    expect(update.json.event_id).not.toBe(ready.json.event_id);
    expect(decodedNotes(update.json.payload.update)).toEqual(ready.json.payload.snapshot.state.notes);
    expect(Object.keys(ready.json.payload.snapshot.state.notes)).toHaveLength(900);
  });

  it('[CONTRACT 4] without paint=state: one CANVAS_READY with update only, as before', async () => {
    const sink = await open(false);
    const events = sink.events();
    expect(events.map((e) => e.event)).toEqual(['CANVAS_READY']);
    expect(Object.keys(events[0]!.json.payload.snapshot)).toEqual(['update', 'tokens']);
  });

  it('[CONTRACT 4] the cached bytes are identical to a freshly encoded frame, and shared by every stream of a revision', async () => {
    const first = await open(true);
    const second = await open(true);
    const plain = await open(false);
    // Each stream wrote the state's and the update's cached buffers: the very same objects.
    expect(first.bytesWritten).toHaveLength(2);
    expect(second.bytesWritten).toHaveLength(2);
    expect(second.bytesWritten[0]).toBe(first.bytesWritten[0]);
    expect(second.bytesWritten[1]).toBe(first.bytesWritten[1]);
    expect(plain.bytesWritten).toEqual([first.bytesWritten[1]]);
    // The same payload, spliced from the caches or serialized afresh, gives the same text.
    const ready = await h.core.canvasReady(admin, scope, await h.core.lensView(admin, 'acme/proj'), {
      snapshot: true,
      reset: false,
      paintState: true,
    });
    if (!ready.ok) throw new Error(ready.error.message);
    const payload = ready.value.payload as CanvasReadyPayload;
    const parts = canvasReadyFrames(payload, envelope);
    expect(parts.filter((p) => typeof p !== 'string')).toHaveLength(2);
    const { update } = payload.snapshot!;
    expect(framePartsText(parts)).toBe(freshFrames(payload, true));
    const bytes = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p.bytes)));
    expect(bytes.equals(Buffer.from(framePartsText(parts)))).toBe(true);
    const single = canvasReadyFrames(
      { ...payload, snapshot: { update: update!, tokens: payload.snapshot!.tokens } },
      envelope,
    );
    expect(framePartsText(single)).toBe(
      encodeEventFrame(
        null,
        'CANVAS_READY',
        envelope('CANVAS_READY', fresh({ ...payload, snapshot: { update, tokens: payload.snapshot!.tokens } })),
      ),
    );
  });

  it('[CONTRACT 4] a transaction drops the cached bytes: the next stream gets the new revision', async () => {
    const before = await open(true);
    const oldUpdate = before.events()[1]!.json.payload.update as string;
    expect(cachedSnapshotBytes(oldUpdate)).toBe(before.bytesWritten[1]);
    await submit('state.ops', { ops: [{ op: 'insert', root: 'layout', key: 'grid', value: 8 }] });
    expect(cachedSnapshotBytes(oldUpdate)).toBeUndefined();
    const after = await open(true);
    const [ready, update] = after.events();
    expect(after.bytesWritten[0]).not.toBe(before.bytesWritten[0]);
    expect(after.bytesWritten[1]).not.toBe(before.bytesWritten[1]);
    expect(ready!.json.payload.snapshot.state.layout).toEqual({ grid: 8 });
    expect(update!.json.payload.revision).toBe(ready!.json.payload.revision);
    expect(update!.json.payload.update).not.toBe(oldUpdate);
  });
});

describe('canvasReadyFrames for a restricted viewer (lens: some roots unreadable)', () => {
  const role = (read: string[]) => ({
    tokens: { read: ['*'], write: [] },
    state: { read, write: [] },
    sidecars: { see: false, resolve: false },
    commands: [],
  });
  const POLICY = { roles: { notesOnly: role(['notes']), layoutOnly: role(['layout']) }, default_role: 'notesOnly' };
  const pat: Principal = { actorId: 'pat', tenantId: 'acme', kind: 'human', roles: ['notesOnly'] };
  const sam: Principal = { actorId: 'sam', tenantId: 'acme', kind: 'human', roles: ['notesOnly'] };
  const lou: Principal = { actorId: 'lou', tenantId: 'acme', kind: 'human', roles: ['layoutOnly'] };

  beforeEach(async () => {
    const put = await h.core.putLensPolicy(admin, 'proj', POLICY);
    if (!put.ok) throw new Error(put.error.message);
    await submit('state.ops', { ops: [{ op: 'insert', root: 'layout', key: 'secret', value: 'hidden layout' }] });
  });

  it('[CONTRACT 4] paint first: CANVAS_READY with the readable roots only, then the redacted update', async () => {
    const sink = await open(true, pat);
    const events = sink.events();
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['CANVAS_READY', null],
      ['CANVAS_READY_UPDATE', null],
    ]);
    const [ready, update] = events as [(typeof events)[0], (typeof events)[0]];
    expect(Object.keys(ready.json.payload.snapshot)).toEqual(['state', 'tokens', 'update_follows']);
    expect(Object.keys(ready.json.payload.snapshot.state)).toEqual(['notes']);
    expect(Object.keys(ready.json.payload.snapshot.state.notes)).toHaveLength(900);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(update.json.payload.update, 'base64'));
    expect(doc.getMap('notes').toJSON()).toEqual(ready.json.payload.snapshot.state.notes);
    expect(doc.getMap('layout').toJSON()).toEqual({});
    expect(Buffer.from(update.json.payload.update, 'base64').includes('hidden layout')).toBe(false);
    expect(JSON.stringify(ready.json)).not.toContain('hidden layout');
  });

  it('[CONTRACT 4] two streams of one view at one revision write the same cached buffers; another view its own', async () => {
    const first = await open(true, pat);
    const second = await open(true, sam);
    const plain = await open(false, pat);
    const other = await open(true, lou);
    const full = await open(true);
    expect(first.bytesWritten).toHaveLength(2);
    expect(second.bytesWritten[0]).toBe(first.bytesWritten[0]);
    expect(second.bytesWritten[1]).toBe(first.bytesWritten[1]);
    // Without paint: the one CANVAS_READY carries that same redacted update's bytes.
    expect(plain.bytesWritten).toEqual([first.bytesWritten[1]]);
    expect(plain.bytesWritten[0]).toBe(first.bytesWritten[1]);
    for (const sink of [other, full]) {
      expect(sink.bytesWritten.some((b) => first.bytesWritten.includes(b))).toBe(false);
    }
    // The restricted frames, spliced from the caches, are the text of a fresh serialization.
    const view = await h.core.lensView(pat, 'acme/proj');
    for (const paintState of [true, false]) {
      const ready = await h.core.canvasReady(pat, scope, view, { snapshot: true, reset: false, paintState });
      if (!ready.ok) throw new Error(ready.error.message);
      const payload = ready.value.payload as CanvasReadyPayload;
      const parts = canvasReadyFrames(payload, envelope);
      expect(parts.filter((p) => typeof p !== 'string')).toHaveLength(paintState ? 2 : 1);
      expect(framePartsText(parts)).toBe(freshFrames(payload, paintState));
    }
  });

  it("[CONTRACT 4] a transaction drops the view's cached bytes: the next restricted stream gets the new revision", async () => {
    const before = await open(true, pat);
    await submit('state.ops', { ops: [{ op: 'insert', root: 'notes', key: 'late', value: 'late note' }] });
    const after = await open(true, pat);
    expect(after.bytesWritten[0]).not.toBe(before.bytesWritten[0]);
    expect(after.bytesWritten[1]).not.toBe(before.bytesWritten[1]);
    expect(after.events()[0]!.json.payload.snapshot.state.notes.late).toBe('late note');
  });
});
