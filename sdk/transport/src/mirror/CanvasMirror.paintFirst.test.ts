import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { bytesToBase64 } from '../lib/base64.ts';
import type { AnyEvent } from '../sse/parseEnvelope.ts';
import { cursorOf, envelope, TEST_MANIFEST, statePatchEvent, updateOn } from '../testing/frames.ts';
import { QueuedEdits } from '../testing/QueuedEdits.ts';
import { CanvasMirror } from './CanvasMirror.ts';
import { REMOTE_ORIGIN } from './origins.ts';

// Paint first (CANVAS_READY `?paint=state`, WIRE-NOTES): the first snapshot carries `update` and
// the JSON `state`; the mirror exposes `state` at once and decodes `update` only when `hydrate`
// runs (the deferred call) or something needs the document first.

const notes = (doc: Y.Doc) => doc.getMap('notes').toJSON();

function server(count: number): Y.Doc {
  const doc = new Y.Doc();
  for (let i = 0; i < count; i++) doc.getMap('notes').set(`n${i}`, { text: `note ${i}` });
  return doc;
}

const stateOf = (doc: Y.Doc) => ({ notes: notes(doc), layout: doc.getMap('layout').toJSON() });

const ready = (doc: Y.Doc, withState = true, cursor = cursorOf(1)) =>
  envelope('CANVAS_READY', {
    canvas_id: 'c1',
    canvas_type: 'board',
    manifest: TEST_MANIFEST,
    revision: 1,
    cursor,
    reset: false,
    snapshot: {
      update: bytesToBase64(Y.encodeStateAsUpdate(doc)),
      ...(withState ? { state: stateOf(doc) } : {}),
      tokens: {},
    },
  }) as unknown as AnyEvent;

const patch = (update: Uint8Array, revision: number) => statePatchEvent(update, revision) as unknown as AnyEvent;

/** A mirror whose deferred decoding is held in `later` until the test runs it. */
function deferred() {
  const later: Array<() => void> = [];
  const mirror = new CanvasMirror({ defer: (hydrate) => later.push(hydrate) });
  const hydrated: number[] = [];
  mirror.onHydrated(() => hydrated.push(later.length));
  return { mirror, later, hydrated };
}

/** Transactions on the mirror's first document, without reading `doc` (which would decode it). */
function watchDoc(mirror: CanvasMirror): { doc: Y.Doc; origins: unknown[] } {
  const doc = mirror.doc; // before CANVAS_READY: nothing to decode
  const origins: unknown[] = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
  return { doc, origins };
}

describe('CanvasMirror paint first', () => {
  it('[CONTRACT 4] exposes the snapshot JSON at once and decodes update only when the deferred call runs', () => {
    const gateway = server(20);
    const { mirror, later, hydrated } = deferred();
    const { doc, origins } = watchDoc(mirror);
    const event = ready(gateway);
    mirror.apply(event, null);
    expect(later).toHaveLength(1);
    expect(origins).toEqual([]); // nothing decoded yet
    expect(mirror.state).toBe((event.payload as { snapshot: { state: unknown } }).snapshot.state);
    expect(mirror.state).toEqual(stateOf(gateway));
    expect(mirror.view).toBe('full');
    expect(mirror.revision).toBe(1);
    later[0]!();
    expect(origins).toEqual([REMOTE_ORIGIN]);
    expect(hydrated).toEqual([1]);
    expect(mirror.state).toBeNull();
    expect(notes(doc)).toEqual(notes(gateway));
    expect(mirror.doc).toBe(doc); // the initial document, as without paint first
    later[0]!(); // a second call (the fallback timer) changes nothing
    expect(origins).toEqual([REMOTE_ORIGIN]);
    expect(hydrated).toEqual([1]);
  });

  it('[CONTRACT 4] a snapshot without state, or a mirror without defer, is decoded at once', () => {
    const gateway = server(3);
    const { mirror, later } = deferred();
    mirror.apply(ready(gateway, false), null);
    expect(later).toEqual([]);
    expect(mirror.state).toBeNull();
    expect(notes(mirror.doc)).toEqual(notes(gateway));
    const plain = new CanvasMirror();
    const { origins } = watchDoc(plain);
    plain.apply(ready(gateway), null);
    expect(origins).toEqual([REMOTE_ORIGIN]);
    expect(plain.state).toBeNull();
  });

  it('[CONTRACT 4] a resume (CANVAS_READY without snapshot) before the decoding keeps the painted state', () => {
    // A hidden tab paints no frames, so the decoding can wait while the stream drops and resumes.
    const gateway = server(4);
    const { mirror, later, hydrated } = deferred();
    mirror.apply(ready(gateway), null);
    const resumed = envelope('CANVAS_READY', {
      canvas_id: 'c1',
      canvas_type: 'board',
      manifest: TEST_MANIFEST,
      revision: 1,
      cursor: cursorOf(1),
      reset: false,
    }) as unknown as AnyEvent;
    mirror.apply(resumed, cursorOf(1));
    expect(mirror.state).toEqual(stateOf(gateway));
    expect(hydrated).toEqual([]);
    later[0]!();
    expect(mirror.state).toBeNull();
    expect(notes(mirror.doc)).toEqual(notes(gateway));
  });

  it('[CONTRACT 4] reading doc decodes the snapshot at once (synchronously)', () => {
    const gateway = server(5);
    const { mirror, later, hydrated } = deferred();
    mirror.apply(ready(gateway), null);
    expect(notes(mirror.doc)).toEqual(notes(gateway));
    expect(hydrated).toEqual([1]);
    expect(mirror.state).toBeNull();
    later[0]!();
    expect(hydrated).toEqual([1]);
  });

  it('[CONTRACT 4] state_patches arriving before the decoding are applied after the snapshot, in order', () => {
    const gateway = server(5);
    const { mirror, later, hydrated } = deferred();
    const { doc, origins } = watchDoc(mirror);
    mirror.apply(ready(gateway), null);
    // Each patch builds on the snapshot and on the one before (a key set, then changed, then deleted).
    const p1 = updateOn(gateway, (d) => d.getMap('notes').set('n0', { text: 'changed once' }));
    const p2 = updateOn(gateway, (d) => d.getMap('notes').set('n0', { text: 'changed twice' }));
    const p3 = updateOn(gateway, (d) => d.getMap('notes').delete('n1'));
    const seen: unknown[] = [];
    mirror.onEvent('state_patch', () => seen.push(notes(doc).n0));
    mirror.apply(patch(p1, 2), cursorOf(2));
    expect(hydrated).toEqual([1]); // the first patch needed the document: decoded before it
    expect(origins).toEqual([REMOTE_ORIGIN, REMOTE_ORIGIN]);
    mirror.apply(patch(p2, 3), cursorOf(3));
    mirror.apply(patch(p3, 4), cursorOf(4));
    expect(seen).toEqual([{ text: 'changed once' }, { text: 'changed twice' }, { text: 'changed twice' }]);
    expect(notes(doc)).toEqual(notes(gateway));
    expect(notes(mirror.confirmed)).toEqual(notes(gateway));
    expect(mirror.revision).toBe(4);
    later[0]!();
    expect(hydrated).toEqual([1]);
    expect(notes(doc)).toEqual(notes(gateway));
  });

  it('[CONTRACT 5] a refused local edit made on the painted canvas still reverts to the snapshot', () => {
    const gateway = server(4);
    const { mirror } = deferred();
    const pending = new QueuedEdits();
    mirror.attachLocal(pending);
    mirror.apply(ready(gateway), null);
    expect(mirror.state).not.toBeNull();
    const doc = mirror.doc; // an edit reads doc first: decoded now
    expect(mirror.state).toBeNull();
    const update = updateOn(doc, (d) => d.getMap('notes').set('n0', { text: 'local' }));
    pending.queue.push(update);
    expect(notes(doc).n0).toEqual({ text: 'local' });
    pending.queue = []; // the gateway refused it
    mirror.rebuild('refused');
    expect(mirror.doc).not.toBe(doc);
    expect(notes(mirror.doc)).toEqual(notes(gateway));
    expect(pending.reasons).toEqual(['refused']);
  });

  it('[CONTRACT 4] a second snapshot before the decoding supersedes the first (a new document from it, the first never decoded)', () => {
    const first = server(3);
    const second = server(6);
    const { mirror, later, hydrated } = deferred();
    const { doc, origins } = watchDoc(mirror);
    const docs: Y.Doc[] = [];
    mirror.onDoc((next) => docs.push(next));
    mirror.apply(ready(first), null);
    mirror.apply(ready(second, true, cursorOf(2)), null);
    expect(mirror.state).toBeNull();
    expect(docs).toHaveLength(1);
    expect(notes(docs[0]!)).toEqual(notes(second));
    for (const run of later) run();
    expect(origins).toEqual([]); // the first document never decoded the superseded snapshot
    expect(hydrated).toEqual([]);
    expect(mirror.doc).toBe(docs[0]);
    expect(doc).not.toBe(docs[0]);
  });

  it('[CONTRACT 4] a snapshot that is not base64 is reported on arrival; one that does not integrate when decoded', () => {
    const problems: string[] = [];
    const later: Array<() => void> = [];
    const mirror = new CanvasMirror({ defer: (h) => later.push(h), onProblem: (m) => problems.push(m) });
    const gateway = server(2);
    const event = ready(gateway) as unknown as { payload: { snapshot: { update: string } } };
    event.payload.snapshot.update = 'not base64!';
    mirror.apply(event as unknown as AnyEvent, null);
    expect(problems).toHaveLength(1);
    expect(later).toEqual([]);
    expect(mirror.view).toBe('none');
    expect(mirror.state).toBeNull();
    // Nothing is ready: `ready()` waits for the fresh snapshot the transport resyncs for.
    expect(mirror.ready).toBeNull();

    const broken = deferred();
    const problems2: string[] = [];
    const m2 = new CanvasMirror({ defer: (h) => broken.later.push(h), onProblem: (m) => problems2.push(m) });
    const bad = ready(gateway) as unknown as { payload: { snapshot: { update: string } } };
    bad.payload.snapshot.update = bytesToBase64(new Uint8Array([255, 255, 255, 255, 255, 255]));
    m2.apply(bad as unknown as AnyEvent, null);
    expect(m2.state).not.toBeNull();
    expect(m2.ready).not.toBeNull(); // painted from `state`
    expect(problems2).toEqual([]);
    broken.later[0]!();
    expect(problems2).toHaveLength(1);
    expect(m2.view).toBe('none');
    expect(m2.state).toBeNull();
    expect(m2.ready).toBeNull();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('[CONTRACT 4] the base64 update is not even decoded before the deferred call (only checked)', () => {
    // Node 20 has no Uint8Array.fromBase64: base64ToBytes decodes with atob.
    const atob = vi.spyOn(globalThis, 'atob');
    const gateway = server(50);
    const { mirror, later } = deferred();
    mirror.apply(ready(gateway), null);
    expect(mirror.state).toEqual(stateOf(gateway));
    expect(atob).not.toHaveBeenCalled();
    later[0]!();
    expect(atob).toHaveBeenCalledTimes(1);
    expect(notes(mirror.doc)).toEqual(notes(gateway));
  });

  it('[CONTRACT 4] the confirmed state read before the decoding holds the snapshot, and patches after it', () => {
    const gateway = server(3);
    const { mirror, later, hydrated } = deferred();
    mirror.apply(ready(gateway), null);
    expect(mirror.confirmed.getMap('notes').toJSON()).toEqual(notes(gateway));
    expect(hydrated).toEqual([1]); // building the shadow applied the waiting snapshot first
    mirror.apply(
      patch(
        updateOn(gateway, (d) => d.getMap('notes').set('n9', { text: 'late' })),
        2,
      ),
      cursorOf(2),
    );
    later[0]!();
    expect(hydrated).toEqual([1]);
    expect(mirror.confirmed.getMap('notes').toJSON()).toEqual(notes(gateway));
    expect(notes(mirror.doc)).toEqual(notes(gateway));
  });

  it('[CONTRACT 6] a projection snapshot (lens narrowed) before the decoding never lets the superseded full one in', () => {
    const gateway = server(3);
    gateway.getMap('layout').set('secret', 'hidden');
    const { mirror, later, hydrated } = deferred();
    mirror.apply(ready(gateway), null);
    const narrowed = envelope('CANVAS_READY', {
      canvas_id: 'c1',
      canvas_type: 'board',
      manifest: TEST_MANIFEST,
      revision: 2,
      cursor: cursorOf(2),
      reset: true,
      reason: 'lens_changed',
      snapshot: { state: { notes: notes(gateway) }, tokens: {} },
    }) as unknown as AnyEvent;
    mirror.apply(narrowed, null);
    for (const run of later) run();
    expect(hydrated).toEqual([]);
    expect(mirror.view).toBe('projection');
    expect(mirror.state).toBeNull();
    expect(mirror.confirmed.getMap('layout').toJSON()).toEqual({});
    expect(mirror.doc.getMap('layout').toJSON()).toEqual({});
    expect(notes(mirror.doc)).toEqual(notes(gateway));
  });

  describe('update in the next frame (update_follows)', () => {
    const splitReady = (doc: Y.Doc, revision: number, reset = false) =>
      envelope('CANVAS_READY', {
        canvas_id: 'c1',
        canvas_type: 'board',
        manifest: TEST_MANIFEST,
        revision,
        cursor: cursorOf(revision),
        reset,
        snapshot: { state: stateOf(doc), tokens: {}, update_follows: true },
      }) as unknown as AnyEvent;
    const readyUpdate = (doc: Y.Doc, revision: number) =>
      envelope('CANVAS_READY_UPDATE', {
        canvas_id: 'c1',
        revision,
        update: bytesToBase64(Y.encodeStateAsUpdate(doc)),
      }) as unknown as AnyEvent;

    it('[CONTRACT 4] paints from the first frame, hydrates from the second', () => {
      const gateway = server(6);
      const { mirror, later, hydrated } = deferred();
      const { doc, origins } = watchDoc(mirror);
      mirror.apply(splitReady(gateway, 1), null);
      expect(mirror.state).toEqual(stateOf(gateway));
      expect(mirror.view).toBe('full');
      expect(later).toEqual([]); // nothing to decode yet
      mirror.hydrate(); // (as reading doc would) — no update yet: nothing happens
      expect(hydrated).toEqual([]);
      expect(origins).toEqual([]);
      mirror.apply(readyUpdate(gateway, 1), null);
      expect(later).toHaveLength(1);
      expect(origins).toEqual([]);
      later[0]!();
      expect(hydrated).toEqual([1]);
      expect(mirror.state).toBeNull();
      expect(notes(doc)).toEqual(notes(gateway));
      expect(mirror.doc).toBe(doc);
    });

    it('[CONTRACT 4] a later snapshot in two frames (a reset) is held until its update, then replaces the document', () => {
      const gateway = server(3);
      const { mirror } = deferred();
      mirror.apply(ready(gateway, false), null); // hydrated at once
      const first = mirror.doc;
      const readies: number[] = [];
      mirror.onReady((p) => readies.push(p.revision));
      const next = server(8);
      mirror.apply(splitReady(next, 5, true), null);
      expect(readies).toEqual([]); // held: the document and revision stay as they were
      expect(mirror.revision).toBe(1);
      expect(mirror.doc).toBe(first);
      expect(mirror.state).toBeNull();
      mirror.apply(readyUpdate(next, 5), null);
      expect(readies).toEqual([5]);
      expect(mirror.revision).toBe(5);
      expect(mirror.doc).not.toBe(first);
      expect(notes(mirror.doc)).toEqual(notes(next));
      expect(mirror.view).toBe('full');
    });

    it('[CONTRACT 4] a CANVAS_READY_UPDATE of another revision, or without its CANVAS_READY, changes nothing', () => {
      const gateway = server(2);
      const { mirror, later } = deferred();
      mirror.apply(readyUpdate(gateway, 1), null);
      expect(mirror.view).toBe('none');
      mirror.apply(splitReady(gateway, 1), null);
      mirror.apply(readyUpdate(server(4), 2), null);
      expect(later).toEqual([]);
      expect(mirror.state).toEqual(stateOf(gateway));
    });
  });
});
