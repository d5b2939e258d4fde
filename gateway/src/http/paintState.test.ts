import * as Y from 'yjs';
import { InProcessGateway } from '../../test/harness/InProcessGateway.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestWorld } from '../../test/harness/api.ts';
import { expectErrorBody } from '../../test/harness/expectErrorBody.ts';
import { SseClient } from '../../test/harness/SseClient.ts';
import { mintToken } from '../auth/mintToken.ts';

// `?paint=state` on a canvas stream (WIRE-NOTES, CANVAS_READY): a viewer who reads every root gets
// the JSON `state` beside `update`; bad values are 400; a restricted viewer's snapshot is unchanged.

const SECRET = 'paint-state-test-secret-0123456789abcdef';
const PROJECT = 'paint';
const POLICY = {
  roles: {
    editor: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    partial: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['notes'], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    },
  },
  default_role: 'partial',
};

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
  const policy = await api(url, 'PUT', `/v1/projects/${PROJECT}/lens`, { token: admin, body: POLICY });
  expect(policy.status).toBe(200);
  // Enough blocks that the gateway caches the state's JSON text (≥ 64 KiB), plus a small root.
  const ops = Array.from({ length: 1200 }, (_, i) => ({
    op: 'insert',
    root: 'notes',
    key: `n${i}`,
    value: { text: `note ${i} with "quotes", \\ and ünïcode — a line of text`, order: i },
  }));
  for (let i = 0; i < ops.length; i += 250) {
    await world.commit(admin, 'state.ops', scope, { ops: ops.slice(i, i + 250) });
  }
  await world.commit(admin, 'state.ops', scope, { ops: [{ op: 'insert', root: 'layout', key: 'grid', value: 8 }] });
});

afterAll(async () => {
  for (const s of streams) s.close();
  await gw.close();
});

/** The CANVAS_READY payload of a fresh stream opened with `extra` query parameters. */
async function readyPayload(token: string, extra: Record<string, string>) {
  const stream = new SseClient(world.streamUrl(scope, extra), { token });
  streams.push(stream);
  const open = await stream.open();
  expect(open.status).toBe(200);
  const frame = await stream.waitFor((f) => f.event === 'CANVAS_READY');
  stream.close();
  return frame.json.payload;
}

function decode(update: string, root: string): unknown {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, 'base64'));
  return doc.getMap(root).toJSON();
}

describe('?paint=state on canvas streams', () => {
  it('[CONTRACT 4] a full viewer gets update and the JSON state of every root (the same as GET /v1/canvases/{id})', async () => {
    const editor = await mintToken(SECRET, { tenant: 'acme', sub: 'eve', roles: ['editor'] });
    const { canvas_id: canvasId, ...rest } = scope;
    const read = await api(url, 'GET', `/v1/canvases/${canvasId}?${new URLSearchParams(rest)}`, { token: editor });
    expect(read.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      // Twice: the second stream is served from the cached JSON text and must read the same.
      const payload = await readyPayload(editor, { paint: 'state' });
      expect(Object.keys(payload.snapshot).sort()).toEqual(['state', 'tokens', 'update']);
      expect(payload.snapshot.state).toEqual(read.json.state);
      expect(Object.keys(payload.snapshot.state.notes)).toHaveLength(1200);
      expect(payload.snapshot.state.layout).toEqual({ grid: 8 });
      expect(decode(payload.snapshot.update, 'notes')).toEqual(payload.snapshot.state.notes);
    }
  });

  it('[CONTRACT 4] without ?paint (or with paint=update) the snapshot is update only, as before', async () => {
    const editor = await mintToken(SECRET, { tenant: 'acme', sub: 'eve', roles: ['editor'] });
    for (const extra of [{}, { paint: 'update' }] as Array<Record<string, string>>) {
      const payload = await readyPayload(editor, extra);
      expect(Object.keys(payload.snapshot).sort()).toEqual(['tokens', 'update']);
    }
  });

  it('[CONTRACT 4] a restricted viewer gets the same redacted update with or without ?paint=state', async () => {
    const partial = await mintToken(SECRET, { tenant: 'acme', sub: 'pat', roles: ['partial'] });
    const plain = await readyPayload(partial, {});
    const painted = await readyPayload(partial, { paint: 'state' });
    expect(Object.keys(painted.snapshot).sort()).toEqual(Object.keys(plain.snapshot).sort());
    expect(painted.snapshot.state).toBeUndefined();
    expect(decode(painted.snapshot.update, 'notes')).toEqual(decode(plain.snapshot.update, 'notes'));
    expect(decode(painted.snapshot.update, 'layout')).toEqual({});
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
