import type { CanvasTypeManifest } from '@easel/schemas';
import { CanvasTransport } from '@easel/transport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
// The doc cartridge's own manifest and edits (pure modules: Yjs and types only).
import { DOC_MANIFEST } from '../../sdk/canvases/src/doc/docManifest.ts';
import { addBlockOps, editBlockText } from '../../sdk/canvases/src/doc/docOps.ts';
import { textDiff } from '../../sdk/canvases/src/lib/textDiff.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';

/** The doc type as 1.0.x registered it: a block's `text` not yet declared a text field. */
const { text_fields: _declared, ...DOC_V10_BASE } = DOC_MANIFEST;
const DOC_V10: CanvasTypeManifest = { ...DOC_V10_BASE, version: '1.0.3' };

let gateway: GatewayProcess;
let ann = '';
let bob = '';
beforeAll(async () => {
  gateway = await GatewayProcess.start();
  ann = await gateway.token({ tenant: 'acme', sub: 'ann' });
  bob = await gateway.token({ tenant: 'acme', sub: 'bob' });
});
afterAll(async () => {
  await gateway?.dispose();
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The world on the gateway's current address (it changes on restart). */
const world = () => new TestWorld(gateway.url, 'acme');

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function firstBlockText(doc: Y.Doc): unknown {
  const first = doc.getArray<unknown>('blocks').get(0);
  return first instanceof Y.Map ? first.get('text') : undefined;
}

async function register(project: string, manifest: CanvasTypeManifest): Promise<void> {
  const put = await api(gateway.url, 'PUT', `/v1/projects/${project}/canvas-types/doc`, { token: ann, body: manifest });
  expect(put.status).toBe(200);
}

/** What `GET /v1/canvases/{id}` answers for a doc canvas (the parts read here). */
interface DocRead {
  revision: number;
  cursor: string;
  state: { blocks: Array<{ id: string; kind: string; text?: string }> };
}

async function readCanvas(scope: Record<string, string>): Promise<DocRead> {
  const res = await api(gateway.url, 'GET', world().canvasPath(scope), { token: ann });
  expect(res.status).toBe(200);
  return res.json;
}

function open(token: string, scope: Record<string, string>): CanvasTransport {
  const t = new CanvasTransport({ baseUrl: gateway.url, token, scope: scope as never, paintFirst: false });
  cleanups.push(() => t.close());
  return t.connect();
}

/** A doc canvas created under 1.0.x with one block whose text is stored as a plain string. */
async function oldCanvas(project: string, canvasId: string): Promise<Record<string, string>> {
  await register(project, DOC_V10);
  const scope = world().scope(project, canvasId);
  await world().commit(ann, 'canvas.create', scope, { canvas_type: 'doc', title: 'Old' });
  await world().commit(ann, 'state.ops', scope, { ops: addBlockOps('b1', 'paragraph', 'hello') });
  // Precondition: the text is a plain string (what makes concurrent first edits race).
  const probe = open(ann, scope);
  expect((await probe.ready()).ok).toBe(true);
  await until(() => firstBlockText(probe.doc) !== undefined, 10_000, 'the block');
  expect(firstBlockText(probe.doc)).toBe('hello');
  probe.close();
  return scope;
}

/** Ann and Bob make their first edits of the block at the same moment; both must survive. */
async function raceFirstEdits(scope: Record<string, string>): Promise<void> {
  const a = open(ann, scope);
  const b = open(bob, scope);
  for (const t of [a, b]) expect((await t.ready()).ok).toBe(true);
  await until(
    () => String(firstBlockText(a.doc)) === 'hello' && String(firstBlockText(b.doc)) === 'hello',
    10_000,
    'both collaborators to hold the block',
  );
  // The gateway converted it before either saw it.
  expect(firstBlockText(a.doc)).toBeInstanceOf(Y.Text);
  expect(firstBlockText(b.doc)).toBeInstanceOf(Y.Text);
  const start = (await readCanvas(scope)).revision;
  const block = { id: 'b1', hasId: true, path: [0] };
  const annDoc = a.doc;
  const bobDoc = b.doc;
  annDoc.transact(() => editBlockText(block, textDiff('hello', 'Ann: hello')!, 'Ann: hello')(annDoc));
  bobDoc.transact(() => editBlockText(block, textDiff('hello', 'hello world')!, 'hello world')(bobDoc));
  await Promise.all([a.flushLocalEdits(), b.flushLocalEdits()]);
  await until(
    () => (a.revision ?? 0) >= start + 2 && (b.revision ?? 0) >= start + 2,
    10_000,
    'both edits to reach both collaborators',
  );
  await until(() => String(firstBlockText(a.doc)) === String(firstBlockText(b.doc)), 5_000, 'convergence');
  expect(String(firstBlockText(a.doc))).toBe('Ann: hello world');
  expect(String(firstBlockText(b.doc))).toBe('Ann: hello world');
  expect((await readCanvas(scope)).state.blocks).toEqual([{ id: 'b1', kind: 'paragraph', text: 'Ann: hello world' }]);
  a.close();
  b.close();
}

describe('doc canvases created before doc declared text_fields (1.0.x → 1.1.0)', () => {
  it('[CONTRACT 5] after a restart with the new type, concurrent first edits both survive; a second restart appends nothing', async () => {
    const scope = await oldCanvas('upgrade', 'old');
    const created = await readCanvas(scope);
    await gateway.restart();
    await register('upgrade', DOC_MANIFEST);
    await raceFirstEdits(scope);
    const settled = await readCanvas(scope);
    // The conversion (one state_patch by the gateway) plus the two edits.
    expect(settled.revision).toBe(created.revision + 3);

    await gateway.restart();
    const again = await readCanvas(scope);
    expect(again.revision).toBe(settled.revision);
    expect(again.cursor).toBe(settled.cursor);
    expect(again.state).toEqual(settled.state);
  });

  it('[CONTRACT 5] re-registering the type while the canvas is loaded converts it at once', async () => {
    const scope = await oldCanvas('upgrade-live', 'live');
    const created = await readCanvas(scope);
    await register('upgrade-live', DOC_MANIFEST);
    const converted = await readCanvas(scope);
    expect(converted.revision).toBe(created.revision + 1);
    expect(converted.state).toEqual(created.state);
    await raceFirstEdits(scope);
    // A raw update that puts a plain string back at the text field is refused whole.
    const sync = new Y.Doc();
    const t = open(ann, scope);
    expect((await t.ready()).ok).toBe(true);
    await until(() => firstBlockText(t.doc) !== undefined, 10_000, 'the block');
    Y.applyUpdate(sync, Y.encodeStateAsUpdate(t.doc));
    const sv = Y.encodeStateVector(sync);
    (sync.getArray('blocks').get(0) as Y.Map<unknown>).set('text', 'plain');
    const update = Buffer.from(Y.encodeStateAsUpdate(sync, sv)).toString('base64');
    const refused = await world().command(ann, 'state.update', scope, { update });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({
      code: 'validation_failed',
      message: "state.update: blocks[…].text is a text field of canvas type 'doc'; set a Y.Text, not a string",
    });
    expect((await readCanvas(scope)).state.blocks[0]?.text).toBe('Ann: hello world');
  });
});
