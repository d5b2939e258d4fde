import * as Y from 'yjs';
import { InProcessGateway } from '../../test/harness/InProcessGateway.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestWorld } from '../../test/harness/api.ts';
import { expectErrorBody } from '../../test/harness/expectErrorBody.ts';
import { SseClient } from '../../test/harness/SseClient.ts';
import { mintToken } from '../auth/mintToken.ts';
import { cachedJsonText } from '../core/canvas/fullState.ts';
import { PAINT_POLICY, paintNotesOps } from '../../test/harness/paintFixture.ts';

// `?paint=state` on a canvas stream (WIRE-NOTES, CANVAS_READY): a viewer who reads every root gets
// the JSON `state` in CANVAS_READY and `update` in the CANVAS_READY_UPDATE right after it; bad values
// are 400; a restricted viewer gets the same two frames with the JSON of its readable roots only and
// its redacted update (gateway/test/paintStateLens.test.ts covers it against a gateway process).

const SECRET = 'paint-state-test-secret-0123456789abcdef';
const PROJECT = 'paint';

let gw: InProcessGateway;
let url: string;
let world: TestWorld;
let admin: string;
let scope: Record<string, string>;
const streams: SseClient[] = [];

beforeAll(async () => {
  gw = await InProcessGateway.start({ secret: SECRET, prefix: 'easel-paint-' });
  ({ url, world, admin } = gw);
  scope = await world.newCanvas(admin, PROJECT, 'c1');
  const policy = await api(url, 'PUT', `/v1/projects/${PROJECT}/lens`, { token: admin, body: PAINT_POLICY });
  expect(policy.status).toBe(200);
  // Enough blocks that the gateway caches the state's JSON text (≥ 64 KiB), plus a small root.
  const ops = paintNotesOps(1200);
  for (let i = 0; i < ops.length; i += 250) {
    await world.commit(admin, 'state.ops', scope, { ops: ops.slice(i, i + 250) });
  }
  await world.commit(admin, 'state.ops', scope, { ops: [{ op: 'insert', root: 'layout', key: 'grid', value: 8 }] });
});

afterAll(async () => {
  for (const s of streams) s.close();
  await gw.close();
});

/** The frames of a fresh stream opened with `extra` query parameters, up to the first durable-free lull. */
async function openFrames(token: string, extra: Record<string, string>) {
  const stream = new SseClient(world.streamUrl(scope, extra), { token });
  streams.push(stream);
  const open = await stream.open();
  expect(open.status).toBe(200);
  await stream.waitFor((f) => f.event === 'CANVAS_READY');
  // Paint first: its update follows in CANVAS_READY_UPDATE (a large frame: it may take a while to
  // arrive on a loaded machine). Anything else that follows would be here after a short lull.
  if (extra.paint === 'state') await stream.waitFor((f) => f.event === 'CANVAS_READY_UPDATE');
  await new Promise((resolve) => setTimeout(resolve, 100));
  stream.close();
  return stream.frames;
}

/** The CANVAS_READY payload of a fresh stream opened with `extra` query parameters. */
async function readyPayload(token: string, extra: Record<string, string>) {
  const frames = await openFrames(token, extra);
  return frames.find((f) => f.event === 'CANVAS_READY')!.json.payload;
}

function decode(update: string, root: string): unknown {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, 'base64'));
  return doc.getMap(root).toJSON();
}

describe('?paint=state on canvas streams', () => {
  it('[CONTRACT 4] a full viewer gets the JSON state of every root in CANVAS_READY (as GET /v1/canvases/{id}), then its update in CANVAS_READY_UPDATE', async () => {
    const editor = await mintToken(SECRET, { tenant: 'acme', sub: 'eve', roles: ['editor'] });
    const { canvas_id: canvasId, ...rest } = scope;
    const read = await api(url, 'GET', `/v1/canvases/${canvasId}?${new URLSearchParams(rest)}`, { token: editor });
    expect(read.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      // Twice: the second stream is served from the cached bytes and must read the same.
      const frames = await openFrames(editor, { paint: 'state' });
      expect(frames.map((f) => [f.event, f.id])).toEqual([
        ['CANVAS_READY', null],
        ['CANVAS_READY_UPDATE', null],
      ]);
      const payload = frames[0]!.json.payload;
      expect(Object.keys(payload.snapshot).sort()).toEqual(['state', 'tokens', 'update_follows']);
      expect(payload.snapshot.update_follows).toBe(true);
      expect(payload.snapshot.state).toEqual(read.json.state);
      expect(Object.keys(payload.snapshot.state.notes)).toHaveLength(1200);
      expect(payload.snapshot.state.layout).toEqual({ grid: 8 });
      const update = frames[1]!.json.payload;
      expect(update).toEqual({ canvas_id: canvasId, revision: payload.revision, update: update.update });
      expect(decode(update.update, 'notes')).toEqual(payload.snapshot.state.notes);
    }
  });

  it('[CONTRACT 5] GET /v1/canvases/{id} sends the cached state JSON: the same text as serializing the read afresh', async () => {
    const editor = await mintToken(SECRET, { tenant: 'acme', sub: 'eve', roles: ['editor'] });
    const principal = { actorId: 'eve', tenantId: 'acme', kind: 'human' as const, roles: ['editor'] };
    const { canvas_id: canvasId, ...rest } = scope;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/v1/canvases/${canvasId}?${new URLSearchParams(rest)}`, {
        headers: { authorization: `Bearer ${editor}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const text = await res.text();
      expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      const fresh = await gw.gateway.core.readCanvas(principal, scope as never);
      if (!fresh.ok) throw new Error(fresh.error.message);
      expect(text).toBe(JSON.stringify(fresh.value));
    }
    // What the route reads: the revision's one cached state (with its JSON), not a new walk per read.
    const shared = await gw.gateway.core.readCanvas(principal, scope as never, { sharedState: true });
    const again = await gw.gateway.core.readCanvas(principal, scope as never, { sharedState: true });
    if (!shared.ok || !again.ok) throw new Error('read failed');
    expect(again.value.state).toBe(shared.value.state);
    expect(cachedJsonText(shared.value.state)).toBe(JSON.stringify(shared.value.state));
    // A restricted viewer's read holds its readable roots only: its view's cached state, never the full one.
    const partial = { actorId: 'pat', tenantId: 'acme', kind: 'human' as const, roles: ['partial'] };
    const own = await gw.gateway.core.readCanvas(partial, scope as never, { sharedState: true });
    const ownAgain = await gw.gateway.core.readCanvas(partial, scope as never, { sharedState: true });
    if (!own.ok || !ownAgain.ok) throw new Error('restricted read failed');
    expect(Object.keys(own.value.state)).toEqual(['notes']);
    expect(own.value.state).not.toBe(shared.value.state);
    expect(ownAgain.value.state).toBe(own.value.state);
    expect(cachedJsonText(own.value.state)).toBe(JSON.stringify(own.value.state));
  });

  it('[CONTRACT 4] without ?paint (or with paint=update) the snapshot is update only, in one frame, as before', async () => {
    const editor = await mintToken(SECRET, { tenant: 'acme', sub: 'eve', roles: ['editor'] });
    for (const extra of [{}, { paint: 'update' }] as Array<Record<string, string>>) {
      const frames = await openFrames(editor, extra);
      expect(frames.map((f) => f.event)).toEqual(['CANVAS_READY']);
      expect(Object.keys(frames[0]!.json.payload.snapshot).sort()).toEqual(['tokens', 'update']);
    }
  });

  it('[CONTRACT 4] a restricted viewer on ?paint=state gets its readable roots first, then the same redacted update as without paint', async () => {
    const partial = await mintToken(SECRET, { tenant: 'acme', sub: 'pat', roles: ['partial'] });
    const plain = await readyPayload(partial, {});
    expect(Object.keys(plain.snapshot).sort()).toEqual(['tokens', 'update']);
    const frames = await openFrames(partial, { paint: 'state' });
    expect(frames.map((f) => [f.event, f.id])).toEqual([
      ['CANVAS_READY', null],
      ['CANVAS_READY_UPDATE', null],
    ]);
    const painted = frames[0]!.json.payload;
    expect(Object.keys(painted.snapshot).sort()).toEqual(['state', 'tokens', 'update_follows']);
    expect(Object.keys(painted.snapshot.state)).toEqual(['notes']);
    const update = frames[1]!.json.payload.update;
    expect(update).toBe(plain.snapshot.update);
    expect(decode(update, 'notes')).toEqual(painted.snapshot.state.notes);
    expect(decode(update, 'layout')).toEqual({});
  });

  it('[CONTRACT 3] a bad ?paint= value is a 400 validation_failed naming the parameter', async () => {
    const rel = (extra: string) => {
      const u = new URL(world.streamUrl(scope));
      return `${u.pathname}${u.search}${extra}`;
    };
    for (const extra of ['&paint=json', '&paint=STATE', '&paint=state&paint=state']) {
      const res = await api(url, 'GET', rel(extra), { token: admin });
      expectErrorBody(res, 400, 'validation_failed');
      expect(res.json.error.message).toContain('?paint=');
    }
  });
});
