import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bytesToBase64 } from '../lib/base64.ts';
import type { AnyEvent } from '../sse/parseEnvelope.ts';
import { cursorOf, envelope, OTHER_EPOCH, TEST_MANIFEST, statePatchEvent, updateOn } from '../testing/frames.ts';
import { QueuedEdits } from '../testing/QueuedEdits.ts';
import { CanvasMirror } from './CanvasMirror.ts';
import { REMOTE_ORIGIN } from './origins.ts';

const ready = (update: Uint8Array | string, cursor = cursorOf(1), reset = false) =>
  envelope('CANVAS_READY', {
    canvas_id: 'c1',
    canvas_type: 'board',
    manifest: TEST_MANIFEST,
    revision: 1,
    cursor,
    reset,
    snapshot: { update: typeof update === 'string' ? update : bytesToBase64(update), tokens: {} },
  }) as unknown as AnyEvent;

const patch = (update: Uint8Array, revision: number) => statePatchEvent(update, revision) as unknown as AnyEvent;

const notes = (doc: Y.Doc) => doc.getMap('notes').toJSON();

describe('CanvasMirror', () => {
  it('[CONTRACT 4] the first snapshot goes into the initial document in one remote transaction; the confirmed shadow is built only when read', () => {
    const server = new Y.Doc();
    for (let i = 0; i < 50; i++) server.getMap('notes').set(`n${i}`, i);
    const mirror = new CanvasMirror();
    const doc = mirror.doc;
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    mirror.apply(ready(Y.encodeStateAsUpdate(server)), null);
    expect(mirror.doc).toBe(doc);
    expect(origins).toEqual([REMOTE_ORIGIN]);
    expect(mirror.view).toBe('full');
    expect(notes(doc)).toEqual(notes(server));
    const confirmed = mirror.confirmed;
    expect(confirmed).not.toBe(doc);
    expect(notes(confirmed)).toEqual(notes(server));
    expect(mirror.confirmed).toBe(confirmed); // built once
  });

  it('[CONTRACT 6] after a refused local edit the document is the confirmed state: snapshot + patches + confirmed local edits', () => {
    const server = new Y.Doc();
    server.getMap('notes').set('a', 1);
    const mirror = new CanvasMirror();
    const local = new QueuedEdits();
    mirror.attachLocal(local);
    mirror.apply(ready(Y.encodeStateAsUpdate(server)), null);
    mirror.apply(
      patch(
        updateOn(server, (d) => d.getMap('notes').set('b', 2)),
        2,
      ),
      cursorOf(2),
    );
    // A local edit the gateway committed, then one it refuses.
    const editor = mirror.doc;
    const good = updateOn(editor, (d) => d.getMap('notes').set('mine', 'kept'));
    mirror.confirm(good);
    Y.applyUpdate(server, good);
    const bad = updateOn(editor, (d) => d.getMap('notes').set('refused', true));
    local.queue = [bad];
    mirror.apply(
      patch(
        updateOn(server, (d) => d.getMap('notes').delete('a')),
        3,
      ),
      cursorOf(3),
    );
    expect(notes(mirror.doc)).toEqual({ b: 2, mine: 'kept', refused: true });
    local.queue = [];
    mirror.rebuild('refused');
    expect(mirror.doc).not.toBe(editor);
    expect(notes(mirror.doc)).toEqual(notes(server));
    expect(notes(mirror.confirmed)).toEqual(notes(server));
    // Later patches keep both in step.
    mirror.apply(
      patch(
        updateOn(server, (d) => d.getMap('notes').set('c', 3)),
        4,
      ),
      cursorOf(4),
    );
    expect(notes(mirror.doc)).toEqual({ b: 2, mine: 'kept', c: 3 });
    expect(notes(mirror.confirmed)).toEqual(notes(mirror.doc));
  });

  it('[CONTRACT 6] the confirmed state stays right past the updates kept as bytes (the shadow is then built and followed)', () => {
    const server = new Y.Doc();
    const mirror = new CanvasMirror();
    mirror.apply(ready(Y.encodeStateAsUpdate(server)), null);
    for (let i = 0; i < 300; i++) {
      const update = updateOn(server, (d) => d.getMap('notes').set(`k${i % 40}`, i));
      mirror.apply(patch(update, i + 2), cursorOf(i + 2));
    }
    const local = new QueuedEdits();
    mirror.attachLocal(local);
    local.queue = [updateOn(mirror.doc, (d) => d.getMap('notes').set('local', 1))];
    mirror.rebuild('refused');
    expect(local.queue).toHaveLength(1); // still integrates: kept
    expect(notes(mirror.doc)).toEqual({ ...notes(server), local: 1 });
    expect(notes(mirror.confirmed)).toEqual(notes(server));
  });

  it('[CONTRACT 4] a later snapshot (reset) replaces the document from its bytes and keeps the pending edits that still apply', () => {
    const server = new Y.Doc();
    server.getMap('notes').set('a', 1);
    const mirror = new CanvasMirror();
    const local = new QueuedEdits();
    mirror.attachLocal(local);
    mirror.apply(ready(Y.encodeStateAsUpdate(server)), null);
    local.queue = [updateOn(mirror.doc, (d) => d.getMap('layout').set('x', 'mine'))];
    const first = mirror.doc;
    const wiped = new Y.Doc();
    wiped.getMap('notes').set('fresh', true);
    mirror.apply(ready(Y.encodeStateAsUpdate(wiped), cursorOf(1, OTHER_EPOCH), true), null);
    expect(mirror.doc).not.toBe(first);
    expect(local.reasons).toEqual(['reset']);
    expect(notes(mirror.doc)).toEqual({ fresh: true });
    expect(mirror.doc.getMap('layout').toJSON()).toEqual({ x: 'mine' });
    expect(notes(mirror.confirmed)).toEqual({ fresh: true });
    expect(mirror.confirmed.getMap('layout').toJSON()).toEqual({});
  });

  it('a snapshot that is not base64, or not a Yjs update, is reported and leaves the view at none', () => {
    for (const update of ['not base64!', bytesToBase64(new Uint8Array([200, 1, 2, 3, 4, 5, 6, 7]))]) {
      for (const later of [false, true]) {
        const problems: string[] = [];
        const mirror = new CanvasMirror({ onProblem: (m) => problems.push(m) });
        if (later) mirror.apply(ready(Y.encodeStateAsUpdate(new Y.Doc())), null);
        mirror.apply(ready(update), null);
        expect(problems.length).toBeGreaterThan(0);
        expect(mirror.view).toBe('none');
        expect(notes(mirror.confirmed)).toEqual({});
      }
    }
  });

  it('[CONTRACT 4] a resume CANVAS_READY (no snapshot, the current revision) leaves revision and state to the replay that follows', () => {
    const mirror = new CanvasMirror();
    const seen: number[] = [];
    mirror.onRevision((r) => seen.push(r));
    const first = { ...(ready(Y.encodeStateAsUpdate(new Y.Doc()), cursorOf(1)) as { payload: object }) };
    mirror.apply({ ...first, payload: { ...first.payload, revision: 0 } } as AnyEvent, null);
    mirror.apply(
      envelope('token_patch', { token_id: 'b.count', op: 'set', value: 0, revision: 0 }) as AnyEvent,
      cursorOf(2),
    );
    // The stream broke after cursor 2; three token.set landed meanwhile (revisions 1..3).
    const resume = envelope('CANVAS_READY', {
      canvas_id: 'c1',
      canvas_type: 'board',
      manifest: TEST_MANIFEST,
      revision: 3,
      cursor: cursorOf(2),
      reset: false,
    }) as unknown as AnyEvent;
    mirror.apply(resume, null);
    expect(mirror.revision).toBe(0);
    expect(mirror.tokens).toEqual({ 'b.count': 0 });
    expect(mirror.ready).toBe((resume as { payload: unknown }).payload);
    for (let i = 1; i <= 3; i++)
      mirror.apply(
        envelope('token_patch', { token_id: 'b.count', op: 'set', value: i, revision: i }) as AnyEvent,
        cursorOf(2 + i),
      );
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(mirror.revision).toBe(3);
    expect(mirror.tokens).toEqual({ 'b.count': 3 });
    expect(mirror.cursor).toBe(cursorOf(5));
  });
});
