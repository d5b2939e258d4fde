import { CanvasTransport } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
// The doc cartridge's own manifest and edits (pure modules: Yjs and types only).
import { DOC_MANIFEST } from '../../sdk/canvases/src/doc/docManifest.ts';
import { addBlockOps, editBlockText } from '../../sdk/canvases/src/doc/docOps.ts';
import { textDiff } from '../../sdk/canvases/src/lib/textDiff.ts';
import { api } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';

const env = gatewayPerFile({ admin: { tenant: 'acme', sub: 'ann' }, bob: { tenant: 'acme', sub: 'bob' } });

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function blockText(doc: Y.Doc): string | undefined {
  const first = doc.getArray<unknown>('blocks').get(0);
  return first instanceof Y.Map ? String(first.get('text')) : undefined;
}

describe('doc: concurrent first edits of a block created by state.ops (manifest text_fields)', () => {
  it('[CONTRACT 5] registering a manifest with a bad text_fields declaration is 400 validation_failed naming the fix', async () => {
    const path = '/v1/projects/docs-bad/canvas-types/doc';
    const undeclared = await api(env.gateway.url, 'PUT', path, {
      token: env.tokens.admin,
      body: { ...DOC_MANIFEST, text_fields: { paragraphs: ['text'] } },
    });
    expectErrorBody(undeclared, 400, 'validation_failed');
    expect(undeclared.json.error.message).toBe(
      'text_fields.paragraphs: root "paragraphs" is not declared in roots; declare it (map or array) or remove it here',
    );
    const textRoot = await api(env.gateway.url, 'PUT', path, {
      token: env.tokens.admin,
      body: { ...DOC_MANIFEST, text_fields: { text: ['text'] } },
    });
    expectErrorBody(textRoot, 400, 'validation_failed');
    expect(textRoot.json.error.message).toMatch(/^text_fields\.text: root "text" is a text root/);
    const emptyKey = await api(env.gateway.url, 'PUT', path, {
      token: env.tokens.admin,
      body: { ...DOC_MANIFEST, text_fields: { blocks: [''] } },
    });
    expectErrorBody(emptyKey, 400, 'validation_failed');
    expect(emptyKey.json.error.message).toBe('text_fields.blocks[0]: must be a non-empty object key');
  });

  it('[CONTRACT 5] two collaborators type into a new block at the same moment: both keystroke sets survive', async () => {
    const project = 'docs';
    const put = await api(env.gateway.url, 'PUT', `/v1/projects/${project}/canvas-types/doc`, {
      token: env.tokens.admin,
      body: DOC_MANIFEST,
    });
    expect(put.status).toBe(200);
    expect(put.json.text_fields).toEqual({ blocks: ['text'] });
    const scope = env.world.scope(project, 'race');
    await env.world.commit(env.tokens.admin, 'canvas.create', scope, { canvas_type: 'doc', title: 'Race' });
    const created = await env.world.commit(env.tokens.admin, 'state.ops', scope, {
      ops: addBlockOps('b1', 'paragraph', 'hello'),
    });

    const open = (token: string) => {
      const t = new CanvasTransport({ baseUrl: env.gateway.url, token, scope: scope as never, paintFirst: false });
      cleanups.push(() => t.close());
      return t.connect();
    };
    const ann = open(env.tokens.admin);
    const bob = open(env.tokens.bob);
    for (const t of [ann, bob]) expect((await t.ready()).ok).toBe(true);
    await until(
      () => blockText(ann.doc) === 'hello' && blockText(bob.doc) === 'hello',
      10_000,
      'both collaborators to hold the new block',
    );
    const block = { id: 'b1', hasId: true, path: [0] };

    // Both first edits happen before either sees the other's (same tick: no stream frame in between).
    const annDoc = ann.doc;
    const bobDoc = bob.doc;
    annDoc.transact(() => editBlockText(block, textDiff('hello', 'Ann: hello')!, 'Ann: hello')(annDoc));
    bobDoc.transact(() => editBlockText(block, textDiff('hello', 'hello world')!, 'hello world')(bobDoc));
    await Promise.all([ann.flushLocalEdits(), bob.flushLocalEdits()]);

    const settled = created.revision + 2;
    await until(
      () => (ann.revision ?? 0) >= settled && (bob.revision ?? 0) >= settled,
      10_000,
      'both edits to reach both collaborators',
    );
    await until(() => blockText(ann.doc) === blockText(bob.doc), 5_000, 'the two documents to converge');
    expect(blockText(ann.doc)).toBe('Ann: hello world');
    expect(blockText(bob.doc)).toBe('Ann: hello world');
    const state = await api(env.gateway.url, 'GET', env.world.canvasPath(scope), { token: env.tokens.admin });
    expect(state.status).toBe(200);
    expect(state.json.state.blocks).toEqual([{ id: 'b1', kind: 'paragraph', text: 'Ann: hello world' }]);
  });
});
