import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CanvasTransport } from './CanvasTransport.ts';
import { base64ToBytes } from './lib/base64.ts';
import type { RejectedEdit } from './local/LocalEdits.ts';
import { REMOTE_ORIGIN } from './mirror/origins.ts';
import { FakeFetch, type FakeRequest } from './testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from './testing/ManualTimers.ts';
import {
  OTHER_EPOCH,
  TEST_SCOPE,
  cursorOf,
  frame,
  readyFrame,
  statePatch,
  tokenPatch,
  updateOn,
} from './testing/frames.ts';
import { forEachValidationMode } from './testing/validationModes.ts';

/** The gateway side of the test: its own Y.Doc, the SSE stream, and POSTs answered by the test. */
async function setup(seedDoc?: (doc: Y.Doc) => void) {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const server = new Y.Doc();
  if (seedDoc) server.transact(() => seedDoc(server));
  const transport = new CanvasTransport({
    validate: mode.current,
    baseUrl: 'http://gw.test/',
    token: 'tok',
    scope: TEST_SCOPE,
    fetch: fake.fetch,
    timers,
    now: timers.now,
    random: seededRandom(11),
  });
  transport.connect();
  const get = await fake.next();
  const stream = get.respondStream();
  let seq = 1;
  stream.push(readyFrame({ cursor: cursorOf(seq), revision: 1, snapshot: { update: Y.encodeStateAsUpdate(server) } }));
  await settle();
  const rejected: RejectedEdit[] = [];
  transport.onRejected((r) => rejected.push(r));
  return {
    timers,
    fake,
    server,
    transport,
    stream,
    get,
    rejected,
    nextSeq: () => ++seq,
    /** Takes the next POST (letting the one-tick coalescing timer fire first). */
    async nextPost(): Promise<FakeRequest> {
      for (let i = 0; i < 50 && fake.untaken === 0; i++) await timers.advance(10);
      return fake.next();
    },
  };
}

function json(doc: Y.Doc) {
  return {
    notes: doc.getMap('notes').toJSON(),
    layout: doc.getMap('layout').toJSON(),
    items: doc.getArray('items').toJSON(),
  };
}

function sentUpdate(request: FakeRequest): Uint8Array {
  const body = JSON.parse(request.body ?? '{}');
  expect(body.type).toBe('state.update');
  return base64ToBytes(body.payload.update)!;
}

/** Applies an update to the gateway's doc and checks it integrates fully (no missing dependencies). */
function serverApplies(server: Y.Doc, update: Uint8Array) {
  Y.applyUpdate(server, update);
  expect(server.store.pendingStructs).toBeNull();
  expect(server.store.pendingDs).toBeNull();
}

const refuse = (r: FakeRequest, code = 'forbidden', status = 403) =>
  r.respondJson(status, { error: { code, message: 'your roles may not write layout', request_id: 'r' } });

function seedNotes(doc: Y.Doc) {
  const note = new Y.Map<unknown>();
  note.set('text', 'hello');
  const tags = new Y.Array<string>();
  tags.insert(0, ['a', 'b']);
  note.set('tags', tags);
  doc.getMap('notes').set('n1', note);
  doc.getMap('layout').set('n1', 'top');
  doc.getArray('items').insert(0, ['one', 'two']);
}

const mode = forEachValidationMode(() => {
  describe('CanvasTransport mirror', () => {
    it('[CONTRACT 4] builds the mirror from CANVAS_READY, then follows token_patch and state_patch', async () => {
      const t = await setup(seedNotes);
      expect(t.transport.status).toBe('open');
      expect(t.transport.revision).toBe(1);
      expect(json(t.transport.doc)).toEqual(json(t.server));
      expect(t.transport.manifest?.type).toBe('board');
      const tokenValues: unknown[] = [];
      const revisions: number[] = [];
      const patches: string[] = [];
      t.transport.onToken('plan.title', (v) => tokenValues.push(v));
      t.transport.onRevision((r) => revisions.push(r));
      t.transport.onEvent('state_patch', (e) => patches.push(e.payload.roots.join(',')));
      t.stream.push(tokenPatch('plan.title', 'Q3 plan', 2, cursorOf(t.nextSeq())));
      const update = updateOn(t.server, (d) => d.getMap('layout').set('n2', 'left'));
      t.stream.push(statePatch(update, ['layout'], 3, cursorOf(t.nextSeq())));
      await settle();
      expect(t.transport.tokens['plan.title']).toBe('Q3 plan');
      expect(tokenValues).toEqual(['Q3 plan']);
      expect(revisions).toEqual([2, 3]);
      expect(patches).toEqual(['layout']);
      expect(json(t.transport.doc)).toEqual(json(t.server));
      expect(t.transport.cursor).toBe(cursorOf(3));
      t.transport.close();
    });

    it('awaitCursor resolves once the event is applied and gives {ok:false, timeout} otherwise', async () => {
      const t = await setup();
      const waiting = t.transport.awaitCursor(cursorOf(2), { timeoutMs: 5_000 });
      let done = false;
      void waiting.then(() => {
        done = true;
      });
      await settle();
      expect(done).toBe(false);
      t.stream.push(tokenPatch('plan.title', 'x', 2, cursorOf(t.nextSeq())));
      await settle();
      expect(await waiting).toEqual({ ok: true, value: cursorOf(2) });
      expect(t.transport.tokens['plan.title']).toBe('x');
      const late = t.transport.awaitCursor(cursorOf(50), { timeoutMs: 5_000 });
      await t.timers.advance(5_001);
      const result = await late;
      expect(!result.ok && result.error.code).toBe('timeout');
      t.transport.close();
    });

    it('[CONTRACT 4] a reset CANVAS_READY replaces the document and announces it', async () => {
      const t = await setup(seedNotes);
      const before = t.transport.doc;
      const docs: Y.Doc[] = [];
      t.transport.onDoc((doc) => docs.push(doc));
      const wiped = new Y.Doc();
      wiped.getMap('notes').set('fresh', 'start');
      t.stream.push(
        readyFrame({
          cursor: cursorOf(4, OTHER_EPOCH),
          reset: true,
          revision: 4,
          snapshot: { update: Y.encodeStateAsUpdate(wiped) },
        }),
      );
      await settle();
      expect(docs).toHaveLength(1);
      expect(t.transport.doc).toBe(docs[0]);
      expect(t.transport.doc).not.toBe(before);
      expect(json(t.transport.doc)).toEqual(json(wiped));
      expect(t.transport.cursor).toBe(cursorOf(4, OTHER_EPOCH));
      t.transport.close();
    });

    it('a partial-lens viewer mirrors JSON projections and cannot send Yjs edits', async () => {
      const timers = new ManualTimers();
      const fake = new FakeFetch();
      const transport = new CanvasTransport({
        validate: mode.current,
        baseUrl: 'http://gw.test',
        token: 't',
        scope: TEST_SCOPE,
        fetch: fake.fetch,
        timers,
      });
      const rejected: RejectedEdit[] = [];
      transport.onRejected((r) => rejected.push(r));
      transport.connect();
      const stream = (await fake.next()).respondStream();
      stream.push(
        readyFrame({ snapshot: { state: { notes: { n1: { text: 'hi', tags: ['a'] } }, items: ['x'] }, tokens: {} } }),
      );
      await settle();
      expect(transport.view).toBe('projection');
      expect(transport.doc.getMap('notes').toJSON()).toEqual({ n1: { text: 'hi', tags: ['a'] } });
      expect(transport.doc.getMap('notes').get('n1')).toBeInstanceOf(Y.Map);
      stream.push(
        frame('state_patch', { roots: ['notes'], revision: 2, state: { notes: { n2: { text: 'yo' } } } }, cursorOf(2)),
      );
      await settle();
      expect(transport.doc.getMap('notes').toJSON()).toEqual({ n2: { text: 'yo' } });
      transport.doc.getMap('notes').set('mine', 'local');
      await timers.advance(10);
      expect(fake.requests).toHaveLength(1); // only the stream: nothing was sent
      expect(rejected.map((r) => r.code)).toEqual(['forbidden']);
      expect(transport.doc.getMap('notes').toJSON()).toEqual({ n2: { text: 'yo' } });
      transport.close();
    });
  });

  describe('CanvasTransport local edits', () => {
    it('coalesces the edits of one tick into one state.update that the gateway can apply', async () => {
      const t = await setup(seedNotes);
      const doc = t.transport.doc;
      doc.getMap('notes').set('n2', 'two');
      doc.getArray('items').insert(1, ['between']);
      doc.transact(() => (doc.getMap('notes').get('n1') as Y.Map<unknown>).set('text', 'edited'));
      const post = await t.nextPost();
      const update = sentUpdate(post);
      serverApplies(t.server, update);
      expect(json(t.server)).toEqual(json(doc));
      expect(t.transport.pendingLocalEdits).toBe(1);
      post.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 2 });
      await t.transport.flushLocalEdits();
      expect(t.transport.pendingLocalEdits).toBe(0);
      expect(t.fake.untaken).toBe(0);
      // The echo of our own edit changes nothing and is not sent back.
      const before = json(doc);
      t.stream.push(statePatch(update, ['notes', 'items'], 2, cursorOf(t.nextSeq()), { causation_id: 'x' }));
      await settle();
      await t.timers.advance(50);
      expect(json(t.transport.doc)).toEqual(before);
      expect(t.fake.untaken).toBe(0);
      t.transport.close();
    });

    for (const [name, edit] of [
      ['an insert', (d: Y.Doc) => d.getMap('layout').set('n9', 'bottom')],
      [
        'a nested edit',
        (d: Y.Doc) => ((d.getMap('notes').get('n1') as Y.Map<unknown>).get('tags') as Y.Array<string>).insert(1, ['z']),
      ],
      ['a delete', (d: Y.Doc) => d.getMap('notes').delete('n1')],
      [
        'an array delete and a text edit',
        (d: Y.Doc) => {
          d.getArray('items').delete(0, 1);
          (d.getMap('notes').get('n1') as Y.Map<unknown>).set('text', 'rewritten');
        },
      ],
    ] as const) {
      it(`[CONTRACT 6] a refused local edit (${name}) is reverted, with the typed reason`, async () => {
        const t = await setup(seedNotes);
        const original = json(t.transport.doc);
        const docs: Y.Doc[] = [];
        t.transport.onDoc((doc) => docs.push(doc));
        t.transport.doc.transact(() => edit(t.transport.doc));
        expect(json(t.transport.doc)).not.toEqual(original);
        refuse(await t.nextPost());
        await t.transport.flushLocalEdits();
        expect(t.rejected).toHaveLength(1);
        expect(t.rejected[0]).toMatchObject({
          code: 'forbidden',
          status: 403,
          message: 'your roles may not write layout',
          rolledBack: 0,
        });
        expect(t.rejected[0]!.update.byteLength).toBeGreaterThan(0);
        expect(docs).toHaveLength(1);
        expect(json(t.transport.doc)).toEqual(original);
        // The next local edit still integrates on the gateway (no dependency on the refused one).
        const note = t.transport.doc.getMap('notes').get('n1') as Y.Map<unknown> | undefined;
        t.transport.doc.transact(() => {
          if (note) note.set('text', 'after');
          t.transport.doc.getArray('items').insert(0, ['first']);
        });
        const post = await t.nextPost();
        serverApplies(t.server, sentUpdate(post));
        expect(json(t.server)).toEqual(json(t.transport.doc));
        post.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 2 });
        await t.transport.flushLocalEdits();
        t.transport.close();
      });
    }

    it('edits made while a refused edit was in flight are rolled back with it and counted', async () => {
      const t = await setup(seedNotes);
      const original = json(t.transport.doc);
      t.transport.doc.getMap('layout').set('bad', 1);
      const post = await t.nextPost();
      t.transport.doc.getMap('notes').set('later', 'x');
      await t.timers.advance(10);
      expect(t.fake.untaken).toBe(0); // one command in flight at a time
      refuse(post);
      await t.transport.flushLocalEdits();
      expect(t.rejected.map((r) => [r.code, r.rolledBack])).toEqual([['forbidden', 1]]);
      expect(json(t.transport.doc)).toEqual(original);
      expect(t.transport.pendingLocalEdits).toBe(0);
      t.transport.close();
    });

    it('edits confirmed before a refusal survive it', async () => {
      const t = await setup(seedNotes);
      t.transport.doc.getMap('notes').set('good', 'kept');
      const first = await t.nextPost();
      const goodUpdate = sentUpdate(first);
      first.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 2 });
      await t.transport.flushLocalEdits();
      serverApplies(t.server, goodUpdate);
      t.transport.doc.getMap('layout').set('bad', 1);
      refuse(await t.nextPost());
      await t.transport.flushLocalEdits();
      expect(t.transport.doc.getMap('notes').get('good')).toBe('kept');
      expect(t.transport.doc.getMap('layout').has('bad')).toBe(false);
      expect(json(t.transport.doc)).toEqual(json(t.server));
      t.transport.close();
    });

    it('[CONTRACT 4] a reset while a local edit is in flight rolls back what no longer applies, with reason reset', async () => {
      const t = await setup(seedNotes);
      (t.transport.doc.getMap('notes').get('n1') as Y.Map<unknown>).set('text', 'edited before the wipe');
      const post = await t.nextPost();
      const wiped = new Y.Doc();
      wiped.getMap('notes').set('fresh', 'start');
      t.stream.push(
        readyFrame({
          cursor: cursorOf(1, OTHER_EPOCH),
          reset: true,
          revision: 1,
          snapshot: { update: Y.encodeStateAsUpdate(wiped) },
        }),
      );
      await settle();
      expect(t.rejected.map((r) => r.code)).toEqual(['reset']);
      expect(json(t.transport.doc)).toEqual(json(wiped));
      // The late answer of the orphaned command changes nothing.
      post.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 2 });
      await t.transport.flushLocalEdits();
      expect(json(t.transport.doc)).toEqual(json(wiped));
      expect(t.transport.pendingLocalEdits).toBe(0);
      // Edits on the new document go out and integrate on the new state.
      t.transport.doc.getMap('notes').set('again', 1);
      const next = await t.nextPost();
      serverApplies(wiped, sentUpdate(next));
      expect(json(wiped)).toEqual(json(t.transport.doc));
      t.transport.close();
    });

    it('remote updates (the snapshot, patches) are not even encoded: Yjs has no update listener during their transactions', async () => {
      const t = await setup(seedNotes);
      const doc = t.transport.doc;
      // Yjs encodes a transaction's update only when `'update'` has listeners right after `afterTransactionCleanup`.
      const listening: Array<[unknown, boolean]> = [];
      const hasUpdateListener = () => (doc as unknown as { _observers: Map<string, unknown> })._observers.has('update');
      doc.on('afterTransactionCleanup', (tr: Y.Transaction) => {
        listening.push([tr.origin, hasUpdateListener()]);
      });
      t.stream.push(
        statePatch(
          updateOn(t.server, (d) => d.getMap('layout').set('n2', 'left')),
          ['layout'],
          2,
          cursorOf(t.nextSeq()),
        ),
      );
      await settle();
      doc.getMap('notes').set('mine', 1);
      expect(listening).toEqual([
        [REMOTE_ORIGIN, false],
        [null, true],
      ]);
      expect(hasUpdateListener()).toBe(false);
      const post = await t.nextPost();
      serverApplies(t.server, sentUpdate(post));
      expect(json(t.server)).toEqual(json(doc));
      t.transport.close();
    });

    it('remote updates applied with REMOTE_ORIGIN are never sent upstream', async () => {
      const t = await setup();
      const other = new Y.Doc();
      other.getMap('notes').set('remote', 1);
      Y.applyUpdate(t.transport.doc, Y.encodeStateAsUpdate(other), REMOTE_ORIGIN);
      await t.timers.advance(50);
      expect(t.fake.untaken).toBe(0);
      t.transport.close();
    });
  });
});
