import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authorizeUpdate, MAX_STATE_DEPTH, type UpdateTarget } from './authorizeUpdate.ts';
import { ensureRoots } from './yRoots.ts';

const ROOTS = { notes: 'map', blocks: 'array', body: 'text' } as const;

function server(textFields?: Record<string, string[]>): UpdateTarget {
  const doc = new Y.Doc();
  ensureRoots(doc, ROOTS);
  return { doc, roots: ROOTS, canvasType: 'test', ...(textFields ? { textFields } : {}) };
}

function check(target: UpdateTarget, update: Uint8Array) {
  return authorizeUpdate(target, () => true, update);
}

/** A client synced with the server, its change, and the update it encodes. */
function edit(target: UpdateTarget, change: (doc: Y.Doc) => void): Uint8Array {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(target.doc));
  const sv = Y.encodeStateVector(client);
  client.transact(() => change(client));
  return Y.encodeStateAsUpdate(client, sv);
}

/** Sets a chain of `levels` nested Y.Maps at `notes.deep` (or under the map `from`); returns the innermost. */
function chain(from: Y.Map<unknown>, key: string, levels: number): Y.Map<unknown> {
  let cur = new Y.Map<unknown>();
  from.set(key, cur);
  for (let i = 1; i < levels; i++) {
    const next = new Y.Map<unknown>();
    cur.set('c', next);
    cur = next;
  }
  return cur;
}

/** The innermost map of the `notes.deep` chain of `doc`. */
function innermost(doc: Y.Doc): Y.Map<unknown> {
  let cur = doc.getMap('notes').get('deep') as Y.Map<unknown>;
  for (let i = 0; i < 100_000 && cur.get('c') instanceof Y.Map; i++) cur = cur.get('c') as Y.Map<unknown>;
  return cur;
}

const REFUSED = { ok: false, error: { code: 'validation_failed' } };

describe('authorizeUpdate: hostile raw updates (contract §3)', () => {
  it(`[CONTRACT 3] nested types deeper than ${MAX_STATE_DEPTH} levels are refused; ${MAX_STATE_DEPTH} pass`, () => {
    const t = server();
    expect(
      check(
        t,
        edit(t, (d) => chain(d.getMap('notes'), 'deep', MAX_STATE_DEPTH)),
      ),
    ).toMatchObject({ ok: true });
    const r = check(
      t,
      edit(t, (d) => chain(d.getMap('notes'), 'deep', MAX_STATE_DEPTH + 1)),
    );
    expect(r).toMatchObject(REFUSED);
    if (!r.ok) {
      expect(r.error.message).toBe(
        `state.update: root 'notes' would hold content nested deeper than ${MAX_STATE_DEPTH} levels; flatten it`,
      );
      expect(r.error.details).toEqual({ root: 'notes', max_depth: MAX_STATE_DEPTH });
    }
  });

  it('[CONTRACT 3] the 3000-level attack is refused, also as a continuation of depth already in the doc', () => {
    const t = server();
    expect(
      check(
        t,
        edit(t, (d) => chain(d.getMap('notes'), 'deep', 3000)),
      ),
    ).toMatchObject(REFUSED);
    // 60 levels committed, then 10 more below the innermost map: the doc's depth counts.
    const first = edit(t, (d) => chain(d.getMap('notes'), 'deep', 60));
    expect(check(t, first)).toMatchObject({ ok: true });
    Y.applyUpdate(t.doc, first);
    expect(
      check(
        t,
        edit(t, (d) => chain(innermost(d), 'c', 4)),
      ),
    ).toMatchObject({ ok: true });
    expect(
      check(
        t,
        edit(t, (d) => chain(innermost(d), 'c', 5)),
      ),
    ).toMatchObject(REFUSED);
    // Siblings inserted next to a deep item (no parent in the update) are found through it.
    expect(
      check(
        t,
        edit(t, (d) => {
          const arr = new Y.Array<unknown>();
          innermost(d).set('list', arr);
        }),
      ),
    ).toMatchObject({ ok: true });
  });

  it('[CONTRACT 3] plain objects count their nesting below the type that holds them', () => {
    const t = server();
    const nested = (levels: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = { a: v };
      return v;
    };
    const ok = edit(t, (d) => chain(d.getMap('notes'), 'deep', 60).set('v', nested(4)));
    expect(check(t, ok)).toMatchObject({ ok: true });
    const bad = edit(t, (d) => chain(d.getMap('notes'), 'deep', 60).set('v', nested(5)));
    expect(check(t, bad)).toMatchObject(REFUSED);
    expect(
      check(
        t,
        edit(t, (d) => d.getArray('blocks').push([nested(MAX_STATE_DEPTH + 1)])),
      ),
    ).toMatchObject(REFUSED);
  });

  it('[CONTRACT 3] an empty update (a v2 update read as v1, "AAAA") is refused, a delete-only update is not', () => {
    const t = server();
    const client = new Y.Doc();
    client.getArray('blocks').push(['x']);
    const message =
      "state.update: the update is empty (nothing to apply); send a Yjs v1 update (Y.encodeStateAsUpdate / the 'update' event), not v2";
    for (const bytes of [Y.encodeStateAsUpdateV2(client), Buffer.from('AAAA', 'base64'), new Uint8Array([0, 0])]) {
      const r = check(t, new Uint8Array(bytes));
      expect(r).toMatchObject(REFUSED);
      if (!r.ok) expect(r.error.message).toBe(message);
    }
    const insert = Y.encodeStateAsUpdate(client);
    Y.applyUpdate(t.doc, insert);
    const sv = Y.encodeStateVector(client);
    client.getArray('blocks').delete(0, 1);
    const deleteOnly = Y.encodeStateAsUpdate(client, sv);
    expect(Y.decodeUpdate(deleteOnly).structs).toHaveLength(0);
    expect(check(t, deleteOnly)).toEqual({ ok: true, value: { roots: ['blocks'] } });
  });

  it('[CONTRACT 3] trailing bytes after a valid update are refused', () => {
    const t = server();
    const valid = edit(t, (d) => d.getArray('blocks').push(['x']));
    expect(check(t, valid)).toMatchObject({ ok: true });
    const r = check(t, new Uint8Array([...valid, 1, 2, 3, 4]));
    expect(r).toMatchObject(REFUSED);
    if (!r.ok) expect(r.error.message).toMatch(/^state\.update: 4 trailing bytes after the update/);
  });

  it('[CONTRACT 3] roots named like Object.prototype properties are undeclared', () => {
    const t = server();
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const maps = new Y.Doc();
      maps.getMap(name).set('a', 1);
      const texts = new Y.Doc();
      texts.getText(name).insert(0, 'hidden');
      for (const update of [Y.encodeStateAsUpdate(maps), Y.encodeStateAsUpdate(texts)]) {
        const r = check(t, update);
        expect(r).toMatchObject(REFUSED);
        if (!r.ok) expect(r.error.message).toBe(`root '${name}' is not declared by canvas type 'test'`);
      }
    }
  });

  it('[CONTRACT 3] a "__proto__" key (a Y.Map key or a plain object key) is refused', () => {
    const t = server();
    const inBlock = edit(t, (d) => {
      const m = new Y.Map<unknown>();
      m.set('__proto__', 'x');
      d.getArray('blocks').push([m]);
    });
    expect(check(t, inBlock)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { key: '__proto__' } },
    });
    expect(
      check(
        t,
        edit(t, (d) => d.getMap('notes').set('__proto__', { a: 1 })),
      ),
    ).toMatchObject(REFUSED);
    // lib0 decodes a plain object's "__proto__" key by assignment: a foreign prototype.
    const obj = JSON.parse('{"id":"b","__proto__":{"x":1}}') as Record<string, unknown>;
    expect(
      check(
        t,
        edit(t, (d) => d.getArray('blocks').push([obj])),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { key: '__proto__' } },
    });
  });

  it('[CONTRACT 5] a plain object holding a string at a text field is refused, at any depth of the object', () => {
    const t = server({ blocks: ['text'] });
    for (const value of [
      { id: 'b4', kind: 'p', text: 'plain' },
      { id: 'b5', children: [{ id: 'c', text: 'deep plain' }] },
    ]) {
      const r = check(
        t,
        edit(t, (d) => d.getArray('blocks').push([value])),
      );
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', details: { root: 'blocks', key: 'text' } },
      });
      if (!r.ok)
        expect(r.error.message).toMatch(/^state\.update: blocks\[…\]\.text is a text field of canvas type 'test'/);
    }
    // Inside a Y.Map block too; and objects without the key, or other roots, pass.
    const inMap = edit(t, (d) => {
      const m = new Y.Map<unknown>();
      m.set('meta', { text: 'x' });
      m.set('text', new Y.Text('ok'));
      d.getArray('blocks').push([m]);
    });
    expect(check(t, inMap)).toMatchObject(REFUSED);
    expect(
      check(
        t,
        edit(t, (d) => d.getArray('blocks').push([{ id: 'b6', text: 3 }])),
      ),
    ).toMatchObject({ ok: true });
    expect(
      check(
        t,
        edit(t, (d) => d.getMap('notes').set('n', { text: 'free' })),
      ),
    ).toMatchObject({ ok: true });
  });
});
