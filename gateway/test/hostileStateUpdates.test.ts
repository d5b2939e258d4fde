import { join } from 'node:path';
import type { Scope } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  appendLegacyStatePatches,
  DEEP_CANVAS_MANIFEST,
  deepBlockUpdate,
  deepChainUpdates,
} from '../src/core/testing/deepChainUpdates.ts';
import { mustOpen } from '../src/spine/sqliteTestHarness.ts';
import { api, TestWorld } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
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

/**
 * Writes the deep-nesting attack onto the stopped gateway's spine as stored `state_patch` events
 * (revisions `after`+1, +2), as a canvas that took it before raw updates were capped holds it:
 * `notes.deep` and a new `blocks` element hold 3000 nested Y.Maps.
 */
async function writeLegacyAttack(dataDir: string, scope: Record<string, string>, after: number): Promise<number> {
  const updates: Array<[string, Uint8Array]> = [
    ['notes', deepChainUpdates(new Y.Doc(), 3000, 1)[0]!],
    ['blocks', deepBlockUpdate(new Y.Doc(), 3000)],
  ];
  const spine = mustOpen({ path: join(dataDir, 'easel.db'), durability: 'normal' });
  try {
    return await appendLegacyStatePatches(spine, scope as unknown as Scope, updates, after);
  } finally {
    await spine.close();
  }
}

describe('canvases holding content nested deeper than the cap (written before it; WIRE-NOTES)', () => {
  it('[CONTRACT 3] a state.ops move of it and a canvas.revert to a revision holding it are 400 validation_failed, nothing applied; the canvas still streams and commits', async () => {
    const own = await GatewayProcess.start();
    let restarted: GatewayProcess | undefined;
    try {
      const token = await own.token({ tenant: 'acme', sub: 'ann' });
      const put = await api(own.url, 'PUT', '/v1/projects/legacy/canvas-types/deep', {
        token,
        body: DEEP_CANVAS_MANIFEST,
      });
      expect(put.status).toBe(200);
      const scope = new TestWorld(own.url, 'acme').scope('legacy', 'old');
      const first = new TestWorld(own.url, 'acme');
      await first.commit(token, 'canvas.create', scope, { canvas_type: 'deep', title: 'old' });
      const clean = await first.commit(token, 'state.ops', scope, {
        ops: [
          { op: 'insert', root: 'notes', key: 'kept', value: 1 },
          { op: 'insert', root: 'blocks', value: { id: 'b0' } },
        ],
      });
      await own.stop();
      const deepRevision = await writeLegacyAttack(own.dataDir, scope, clean.revision);
      restarted = await GatewayProcess.start({ dataDir: own.dataDir, secret: own.secret });
      const gw = restarted;
      const w = new TestWorld(gw.url, 'acme');
      const read = async () => {
        const res = await api(gw.url, 'GET', w.canvasPath(scope), { token });
        expect(res.status).toBe(200);
        return res.json;
      };
      const loaded = await read();
      expect(loaded.revision).toBe(deepRevision);
      // Where the attack's element landed next to b0 (Yjs orders concurrent inserts by client id).
      const deepIndex = (loaded.state.blocks as Array<{ id?: string }>).findIndex((b) => b.id !== 'b0');
      expect(loaded.state.blocks).toHaveLength(2);
      // canvas.commit labels the revision holding it.
      expect((await w.commit(token, 'canvas.commit', scope, { message: 'deep' })).revision).toBe(deepRevision);

      const move = await w.command(token, 'state.ops', scope, {
        ops: [{ op: 'move', root: 'blocks', from: deepIndex, to: 1 - deepIndex }],
      });
      expectErrorBody(move, 400, 'validation_failed');
      expect(move.json.error.message).toBe(
        `ops[0]: blocks[${deepIndex}] is nested deeper than 64 levels; delete it with state.ops delete instead of moving it`,
      );
      expect((await read()).revision).toBe(deepRevision);

      // Deleting it works; then restoring the revision that held it is refused.
      const deleted = await w.commit(token, 'state.ops', scope, {
        ops: [
          { op: 'delete', root: 'notes', key: 'deep' },
          { op: 'delete', root: 'blocks', index: deepIndex },
        ],
      });
      expect(deleted.revision).toBe(deepRevision + 1);
      const revert = await w.command(token, 'canvas.revert', scope, { revision: deepRevision });
      expectErrorBody(revert, 400, 'validation_failed');
      expect(revert.json.error.message).toBe(
        `canvas.revert: revision ${deepRevision} cannot be restored: it holds blocks[${deepIndex}] (root 'blocks') nested deeper than 64 levels, which can no longer be written; revert to a revision without it`,
      );
      expect(revert.json.error.details).toMatchObject({ revision: deepRevision, root: 'blocks', max_depth: 64 });
      const after = await read();
      expect(after.revision).toBe(deepRevision + 1);
      expect(after.state).toEqual({ blocks: [{ id: 'b0' }], notes: { kept: 1 } });

      // Still streaming and committing: a later change reaches a fresh stream, also after a restart.
      const stream = new SseClient(w.streamUrl(scope), { token });
      try {
        expect((await stream.open(10_000)).status).toBe(200);
        await stream.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
        const next = await w.commit(token, 'state.ops', scope, {
          ops: [{ op: 'insert', root: 'notes', key: 'later', value: 2 }],
        });
        expect(next.revision).toBe(deepRevision + 2);
        const patch = await stream.waitFor((f) => f.event === 'state_patch', 10_000, 'the state_patch');
        expect(patch.json.payload.revision).toBe(deepRevision + 2);
      } finally {
        stream.close();
      }
      await gw.restart();
      const final = await api(gw.url, 'GET', new TestWorld(gw.url, 'acme').canvasPath(scope), { token });
      expect(final.json).toMatchObject({ revision: deepRevision + 2, state: { notes: { kept: 1, later: 2 } } });
    } finally {
      await restarted?.stop();
      await own.dispose();
    }
  });
});
