import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';
import { PAINT_POLICY, paintNotesOps } from './harness/paintFixture.ts';

// `?paint=state` for a restricted viewer (WIRE-NOTES, CANVAS_READY "Paint first"), against a real
// gateway process: the snapshot comes in two frames, CANVAS_READY with the JSON of the readable
// roots only, then CANVAS_READY_UPDATE with the redacted update; both built once per revision and
// view, so two such streams get the same bytes. Without `paint` the restricted frame is as before.

const SECRET_TEXT = 'the hidden layout secret';
const PROJECT = 'paintlens';

const env = gatewayPerFile({
  admin: { tenant: 'acme', sub: 'ann' },
  editor: { tenant: 'acme', sub: 'eve', roles: ['editor'] },
  pat: { tenant: 'acme', sub: 'pat', roles: ['partial'] },
  sam: { tenant: 'acme', sub: 'sam', roles: ['partial'] },
});

let scope: Record<string, string> | null = null;

/** The canvas (once per file): 1200 notes (large enough to be cached) and an unreadable `layout`. */
async function canvas(): Promise<Record<string, string>> {
  if (scope !== null) return scope;
  const { world, tokens } = env;
  const s = await world.newCanvas(tokens.admin, PROJECT, 'c1');
  const put = await api(env.gateway.url, 'PUT', `/v1/projects/${PROJECT}/lens`, {
    token: tokens.admin,
    body: PAINT_POLICY,
  });
  expect(put.status).toBe(200);
  const ops = paintNotesOps(1200);
  for (let i = 0; i < ops.length; i += 300)
    await world.commit(tokens.admin, 'state.ops', s, { ops: ops.slice(i, i + 300) });
  await world.commit(tokens.admin, 'state.ops', s, {
    ops: [{ op: 'insert', root: 'layout', key: 'secret', value: { text: SECRET_TEXT, grid: 8 } }],
  });
  scope = s;
  return s;
}

/** The frames of a fresh stream with `extra` query parameters, read until a short lull after CANVAS_READY. */
async function openFrames(token: string, extra: Record<string, string>): Promise<SseFrame[]> {
  const stream = new SseClient(env.world.streamUrl(await canvas(), extra), { token });
  try {
    const open = await stream.open();
    expect(open.status).toBe(200);
    await stream.waitFor((f) => f.event === 'CANVAS_READY');
    // Whatever follows CANVAS_READY in the same write (paint first: its update) is here by now.
    await new Promise((resolve) => setTimeout(resolve, 150));
    return stream.frames;
  } finally {
    stream.close();
  }
}

function decode(update: string): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, 'base64'));
  return doc;
}

/** A frame's data with the per-stream envelope fields (event id, timestamp) blanked. */
const sansEnvelope = (f: SseFrame) =>
  f.data.replace(/"event_id":"[^"]*"/, '"event_id":""').replace(/"timestamp":"[^"]*"/, '"timestamp":""');

describe('?paint=state for a restricted viewer (real gateway process)', () => {
  it('[CONTRACT 4] a restricted viewer gets CANVAS_READY with only its readable roots, then its redacted update', async () => {
    const frames = await openFrames(env.tokens.pat, { paint: 'state' });
    expect(frames.map((f) => [f.event, f.id])).toEqual([
      ['CANVAS_READY', null],
      ['CANVAS_READY_UPDATE', null],
    ]);
    const ready = frames[0]!.json.payload;
    expect(Object.keys(ready.snapshot).sort()).toEqual(['state', 'tokens', 'update_follows']);
    expect(ready.snapshot.update_follows).toBe(true);
    expect(Object.keys(ready.snapshot.state)).toEqual(['notes']);
    expect(Object.keys(ready.snapshot.state.notes)).toHaveLength(1200);
    expect(frames[0]!.data).not.toContain(SECRET_TEXT);
    // The same state as GET /v1/canvases/{id} gives this viewer.
    const read = await api(env.gateway.url, 'GET', env.world.canvasPath(await canvas()), { token: env.tokens.pat });
    expect(read.status).toBe(200);
    expect(Object.keys(read.json.state)).toEqual(['notes']);
    expect(ready.snapshot.state).toEqual(read.json.state);
    const update = frames[1]!.json.payload;
    expect(Object.keys(update)).toEqual(['canvas_id', 'revision', 'update']);
    expect(update).toMatchObject({ canvas_id: 'c1', revision: ready.revision });
    const bytes = Buffer.from(update.update, 'base64');
    expect(bytes.includes(SECRET_TEXT)).toBe(false);
    const doc = decode(update.update);
    expect(doc.getMap('notes').toJSON()).toEqual(ready.snapshot.state.notes);
    expect(doc.getMap('layout').toJSON()).toEqual({});
  });

  it('[CONTRACT 4] two restricted streams at one revision get byte-identical frames but for the envelope ids and times', async () => {
    const a = await openFrames(env.tokens.pat, { paint: 'state' });
    const b = await openFrames(env.tokens.sam, { paint: 'state' });
    expect(b.map((f) => f.event)).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE']);
    expect(b[0]!.json.event_id).not.toBe(a[0]!.json.event_id);
    expect(b[1]!.json.event_id).not.toBe(a[1]!.json.event_id);
    expect(b[0]!.data.length).toBeGreaterThan(64 * 1024);
    expect(sansEnvelope(b[0]!)).toBe(sansEnvelope(a[0]!));
    expect(sansEnvelope(b[1]!)).toBe(sansEnvelope(a[1]!));
  });

  it('[CONTRACT 4] a full viewer on paint=state is unchanged: every root in state, the whole update after it', async () => {
    const frames = await openFrames(env.tokens.editor, { paint: 'state' });
    expect(frames.map((f) => f.event)).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE']);
    const ready = frames[0]!.json.payload;
    expect(Object.keys(ready.snapshot.state).sort()).toEqual(['layout', 'notes']);
    expect(ready.snapshot.state.layout).toEqual({ secret: { text: SECRET_TEXT, grid: 8 } });
    const doc = decode(frames[1]!.json.payload.update);
    expect(doc.getMap('layout').toJSON()).toEqual(ready.snapshot.state.layout);
    expect(doc.getMap('notes').toJSON()).toEqual(ready.snapshot.state.notes);
  });

  it('[CONTRACT 4] without paint (or paint=update) a restricted viewer gets one CANVAS_READY with the redacted update, as before', async () => {
    const painted = await openFrames(env.tokens.pat, { paint: 'state' });
    for (const extra of [{}, { paint: 'update' }] as Array<Record<string, string>>) {
      const frames = await openFrames(env.tokens.pat, extra);
      expect(frames.map((f) => [f.event, f.id])).toEqual([['CANVAS_READY', null]]);
      const payload = frames[0]!.json.payload;
      expect(Object.keys(payload.snapshot)).toEqual(['update', 'tokens']);
      expect(payload.snapshot.update).toBe(painted[1]!.json.payload.update);
      expect(payload.snapshot.tokens).toEqual(painted[0]!.json.payload.snapshot.tokens);
      const { snapshot: _s, ...rest } = payload;
      const { snapshot: _p, ...paintedRest } = painted[0]!.json.payload;
      expect(rest).toEqual(paintedRest);
      expect(decode(payload.snapshot.update).getMap('layout').toJSON()).toEqual({});
    }
  });
});
