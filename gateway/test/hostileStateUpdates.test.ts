import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEEP_CANVAS_MANIFEST, deepChainUpdates } from '../src/core/testing/deepChainUpdates.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { SseClient } from './harness/SseClient.ts';

let gateway: GatewayProcess;
let admin = '';
beforeAll(async () => {
  gateway = await GatewayProcess.start();
  admin = await gateway.token({ tenant: 'acme', sub: 'ann' });
});
afterAll(async () => {
  await gateway?.dispose();
});

const world = () => new TestWorld(gateway.url, 'acme');
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

async function deepCanvas(project: string, canvasId: string): Promise<Record<string, string>> {
  const put = await api(gateway.url, 'PUT', `/v1/projects/${project}/canvas-types/deep`, {
    token: admin,
    body: { ...DEEP_CANVAS_MANIFEST, text_fields: { blocks: ['text'] } },
  });
  expect(put.status).toBe(200);
  const scope = world().scope(project, canvasId);
  await world().commit(admin, 'canvas.create', scope, { canvas_type: 'deep', title: canvasId });
  return scope;
}

/** The canvas answers reads, its stream opens with CANVAS_READY, and state.ops still commit. */
async function expectUsable(scope: Record<string, string>): Promise<void> {
  const read = await api(gateway.url, 'GET', world().canvasPath(scope), { token: admin });
  expect(read.status).toBe(200);
  expect(read.json.state.notes).toEqual({ kept: 1 });
  const stream = new SseClient(world().streamUrl(scope, { paint: 'state' }), { token: admin });
  try {
    expect((await stream.open(10_000)).status).toBe(200);
    await stream.until(() => stream.frames.some((f) => f.event === 'CANVAS_READY'), 10_000, 'CANVAS_READY');
  } finally {
    stream.close();
  }
  const ops = await world().command(admin, 'state.ops', scope, {
    ops: [{ op: 'insert', root: 'blocks', value: { id: 'b1', text: 'hi' } }],
  });
  expect(ops.status).toBe(200);
}

describe('hostile state.update input (contract §3: a coded 400, nothing applied, never a 503)', () => {
  it('[CONTRACT 3] two updates of 3000 nested Y.Maps are refused with 400 and the canvas stays readable, also after a restart', async () => {
    const scope = await deepCanvas('hostile', 'deep');
    await world().commit(admin, 'state.ops', scope, { ops: [{ op: 'insert', root: 'notes', key: 'kept', value: 1 }] });
    const before = await api(gateway.url, 'GET', world().canvasPath(scope), { token: admin });
    // The attacker starts from the server's state, as a real client would.
    const doc = new Y.Doc();
    const stream = new SseClient(world().streamUrl(scope), { token: admin });
    try {
      await stream.until(() => stream.frames.some((f) => f.event === 'CANVAS_READY'), 10_000, 'CANVAS_READY');
      const ready = stream.frames.find((f) => f.event === 'CANVAS_READY')!;
      Y.applyUpdate(doc, Buffer.from(ready.json.payload.snapshot.update, 'base64'));
    } finally {
      stream.close();
    }
    for (const [k, update] of deepChainUpdates(doc, 3000, 2).entries()) {
      const res = await world().command(admin, 'state.update', scope, { update: b64(update) });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      if (k === 0) {
        expect(res.json.error.message).toBe(
          "state.update: root 'notes' would hold content nested deeper than 64 levels; flatten it",
        );
      }
    }
    const after = await api(gateway.url, 'GET', world().canvasPath(scope), { token: admin });
    expect(after.status).toBe(200);
    expect(after.json.revision).toBe(before.json.revision);
    await expectUsable(scope);
    await gateway.restart();
    const restarted = await api(gateway.url, 'GET', world().canvasPath(scope), { token: admin });
    expect(restarted.status).toBe(200);
    expect(restarted.json.state.notes).toEqual({ kept: 1 });
  });

  it('[CONTRACT 3] an empty update (v2 bytes) and a root named "constructor" are refused with 400, revision unchanged', async () => {
    const scope = await deepCanvas('hostile-empty', 'empty');
    const client = new Y.Doc();
    client.getArray('blocks').push(['x']);
    const v2 = await world().command(admin, 'state.update', scope, { update: b64(Y.encodeStateAsUpdateV2(client)) });
    expect(v2.status).toBe(400);
    expect(v2.json.error).toMatchObject({
      code: 'validation_failed',
      message:
        "state.update: the update is empty (nothing to apply); send a Yjs v1 update (Y.encodeStateAsUpdate / the 'update' event), not v2",
    });
    const proto = new Y.Doc();
    proto.getMap('constructor').set('secret', 1);
    const raw = await world().command(admin, 'state.update', scope, { update: b64(Y.encodeStateAsUpdate(proto)) });
    expect(raw.status).toBe(400);
    const ops = await world().command(admin, 'state.ops', scope, {
      ops: [{ op: 'insert', root: 'constructor', key: 'k', value: 1 }],
    });
    expect(ops.status).toBe(400);
    const read = await api(gateway.url, 'GET', world().canvasPath(scope), { token: admin });
    expect(read.json.revision).toBe(0);
  });
});
