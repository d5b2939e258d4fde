import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authorizeUpdate, type UpdateTarget } from './authorizeUpdate.ts';
import { clientDiff, clientOf, isEmptyUpdate } from '../testing/clientUpdates.ts';
import { ensureRoots } from './yRoots.ts';

const ROOTS = { blocks: 'array', notes: 'map', layout: 'map', body: 'text' } as const;
const TEXT_FIELDS = { blocks: ['text'], notes: ['text'], layout: ['text'] } as const;
const canWrite = (root: string) => root !== 'layout';

/** `textFields` null: the target has none (a type without `text_fields`). */
function server(textFields: UpdateTarget['textFields'] | null = TEXT_FIELDS): UpdateTarget {
  const doc = new Y.Doc();
  ensureRoots(doc, ROOTS);
  return textFields === null || textFields === undefined
    ? { doc, roots: ROOTS, canvasType: 'doc' }
    : { doc, roots: ROOTS, canvasType: 'doc', textFields };
}

function check(target: UpdateTarget, update: Uint8Array) {
  return authorizeUpdate(target, canWrite, update);
}

/** Checks, then applies what was allowed (as the command path does). */
function accept(target: UpdateTarget, update: Uint8Array): void {
  const r = check(target, update);
  expect(r.ok).toBe(true);
  Y.applyUpdate(target.doc, update);
}

function block(id: string, text: string | Y.Text, children?: Y.Map<unknown>[]): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('kind', 'paragraph');
  m.set('text', text);
  if (children) {
    const arr = new Y.Array<Y.Map<unknown>>();
    arr.push(children);
    m.set('children', arr);
  }
  return m;
}

/** A server holding one block whose text is a Y.Text ('hello'), with a child block (Y.Text 'kid'). */
function serverWithBlock(): UpdateTarget {
  const t = server();
  const seed = clientOf(t);
  accept(
    t,
    clientDiff(t, seed, (d) =>
      d.getArray('blocks').push([block('b1', new Y.Text('hello'), [block('c1', new Y.Text('kid'))])]),
    ),
  );
  return t;
}

const blockOf = (doc: Y.Doc, i = 0) => doc.getArray<Y.Map<unknown>>('blocks').get(i);
const childOf = (doc: Y.Doc) => (blockOf(doc).get('children') as Y.Array<Y.Map<unknown>>).get(0);

const REFUSAL = {
  ok: false,
  error: {
    code: 'validation_failed',
    message: "state.update: blocks[…].text is a text field of canvas type 'doc'; set a Y.Text, not a string",
    details: { root: 'blocks', key: 'text' },
  },
};

describe('authorizeUpdate: manifest text_fields (WIRE-NOTES "Text fields")', () => {
  it('[CONTRACT 5] a plain string replacing the Y.Text of a block (parent in the server doc) is 400 naming root and key', () => {
    const t = serverWithBlock();
    const r = check(
      t,
      clientDiff(t, clientOf(t), (d) => blockOf(d).set('text', 'overwritten')),
    );
    expect(r).toMatchObject(REFUSAL);
  });

  it('[CONTRACT 5] a plain string at the text field of a nested child block is refused', () => {
    const t = serverWithBlock();
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => childOf(d).set('text', 'x')),
      ),
    ).toMatchObject(REFUSAL);
  });

  it('[CONTRACT 5] an update creating a new block map with a string text (parent in the same update) is refused', () => {
    const t = serverWithBlock();
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => d.getArray('blocks').push([block('b2', 'plain')])),
      ),
    ).toMatchObject(REFUSAL);
    // Nested inside a new block's children too; and from a fresh doc (no server items at all).
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) =>
          d.getArray('blocks').push([block('b3', new Y.Text('ok'), [block('c', 's')])]),
        ),
      ),
    ).toMatchObject(REFUSAL);
    const fresh = new Y.Doc();
    fresh.getArray('blocks').push([block('b4', 'plain')]);
    expect(check(server(), Y.encodeStateAsUpdate(fresh))).toMatchObject(REFUSAL);
  });

  it('[CONTRACT 5] a Y.Text at the key, typing into an existing Y.Text and deleting the key are allowed', () => {
    const t = serverWithBlock();
    const client = clientOf(t);
    const ok = { ok: true, value: { roots: ['blocks'] } };
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => blockOf(d).set('text', new Y.Text('fresh'))),
      ),
    ).toEqual(ok);
    const typed = clientDiff(t, client, (d) => (blockOf(d).get('text') as Y.Text).insert(5, ' world'));
    expect(check(t, typed)).toEqual(ok);
    Y.applyUpdate(t.doc, typed);
    expect(
      check(
        t,
        clientDiff(t, client, (d) => (childOf(d).get('text') as Y.Text).insert(0, 'a ')),
      ),
    ).toEqual(ok);
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => blockOf(d).delete('text')),
      ),
    ).toEqual(ok);
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => d.getArray('blocks').push([block('b2', new Y.Text('new'))])),
      ),
    ).toEqual(ok);
  });

  it("[CONTRACT 5] strings elsewhere stay allowed: other keys, a root map's own key, array elements, Y.Text attributes", () => {
    const t = serverWithBlock();
    const ok = (roots: string[]) => ({ ok: true, value: { roots } });
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => blockOf(d).set('kind', 'heading')),
      ),
    ).toEqual(ok(['blocks']));
    // A map root's own entry keys are not text fields.
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => d.getMap('notes').set('text', 'a note')),
      ),
    ).toEqual(ok(['notes']));
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => d.getArray('blocks').push(['text'])),
      ),
    ).toEqual(ok(['blocks']));
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => (blockOf(d).get('text') as Y.Text).setAttribute('text', 'attr')),
      ),
    ).toEqual(ok(['blocks']));
    expect(
      check(
        t,
        clientDiff(t, clientOf(t), (d) => d.getText('body').insert(0, 'text')),
      ),
    ).toEqual(ok(['body']));
  });

  it('[CONTRACT 5] a string the same update replaces again (merged updates, gc off) is allowed', () => {
    const t = serverWithBlock();
    const client = clientOf(t, { gc: false });
    const sv = Y.encodeStateVector(t.doc);
    client.transact(() => blockOf(client).set('text', 'interim'));
    client.transact(() => blockOf(client).set('text', new Y.Text('final')));
    const merged = Y.encodeStateAsUpdate(client, sv);
    expect(check(t, merged)).toEqual({ ok: true, value: { roots: ['blocks'] } });
  });

  it('[CONTRACT 6] a root the writer may not write is 403 before the text-field refusal', () => {
    const t = server();
    const client = clientOf(t);
    accept(
      t,
      clientDiff(t, client, (d) => d.getMap('notes').set('n', block('n', new Y.Text('x')))),
    );
    const u = clientDiff(t, clientOf(t), (d) => {
      d.getMap('layout').set('l', block('l', 'plain'));
    });
    expect(check(t, u)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const notes = clientDiff(t, clientOf(t), (d) => (d.getMap('notes').get('n') as Y.Map<unknown>).set('text', 's'));
    expect(check(t, notes)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { root: 'notes', key: 'text' } },
    });
  });

  it('[CONTRACT 5] types without text_fields are unaffected', () => {
    for (const textFields of [null, {}]) {
      const t = server(textFields);
      const seed = clientOf(t);
      accept(
        t,
        clientDiff(t, seed, (d) => d.getArray('blocks').push([block('b1', 'plain', [block('c', 'kid')])])),
      );
      expect(
        check(
          t,
          clientDiff(t, clientOf(t), (d) => blockOf(d).set('text', 'again')),
        ),
      ).toEqual({ ok: true, value: { roots: ['blocks'] } });
    }
  });

  type Edit =
    | { kind: 'add'; text: string; child: boolean }
    | { kind: 'type'; at: number; pos: number; text: string; child: boolean }
    | { kind: 'cut'; at: number; pos: number; n: number }
    | { kind: 'retag'; at: number; tag: string }
    | { kind: 'remove'; at: number }
    | { kind: 'newText'; at: number; text: string };

  const editArb: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), text: fc.string({ maxLength: 6 }), child: fc.boolean() }),
    fc.record({
      kind: fc.constant('type' as const),
      at: fc.nat(6),
      pos: fc.nat(8),
      text: fc.string({ minLength: 1, maxLength: 4 }),
      child: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(6), pos: fc.nat(8), n: fc.nat(3) }),
    fc.record({ kind: fc.constant('retag' as const), at: fc.nat(6), tag: fc.string({ maxLength: 5 }) }),
    fc.record({ kind: fc.constant('remove' as const), at: fc.nat(6) }),
    fc.record({ kind: fc.constant('newText' as const), at: fc.nat(6), text: fc.string({ maxLength: 4 }) }),
  );

  /** A legal doc edit (text fields hold Y.Text only). */
  function runEdit(d: Y.Doc, e: Edit): void {
    const blocks = d.getArray<Y.Map<unknown>>('blocks');
    const at = 'at' in e ? e.at : 0;
    const b = blocks.length === 0 ? undefined : blocks.get(at % blocks.length);
    switch (e.kind) {
      case 'add':
        blocks.push([
          block(`b${blocks.length}`, new Y.Text(e.text), e.child ? [block('c', new Y.Text(''))] : undefined),
        ]);
        return;
      case 'type': {
        if (!b) return;
        const holder = e.child && b.get('children') ? (b.get('children') as Y.Array<Y.Map<unknown>>).get(0) : b;
        const text = holder?.get('text');
        if (text instanceof Y.Text) text.insert(Math.min(e.pos, text.length), e.text);
        return;
      }
      case 'cut': {
        const text = b?.get('text');
        if (text instanceof Y.Text && text.length > 0) {
          const pos = Math.min(e.pos, text.length - 1);
          text.delete(pos, Math.min(e.n, text.length - pos));
        }
        return;
      }
      case 'retag':
        b?.set('kind', e.tag);
        return;
      case 'remove':
        if (blocks.length > 0) blocks.delete(e.at % blocks.length, 1);
        return;
      case 'newText':
        b?.set('text', new Y.Text(e.text));
        return;
    }
  }

  it('[CONTRACT 5] property: legal doc edits always pass, and adding one plain string at a text field is refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(editArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (rounds, nested) => {
          const t = server();
          const client = clientOf(t);
          for (const edits of rounds) {
            const sv = Y.encodeStateVector(t.doc);
            client.transact(() => {
              for (const e of edits) runEdit(client, e);
            });
            const update = Y.encodeStateAsUpdate(client, sv);
            // Edits that changed nothing encode an empty update, which is refused.
            expect(check(t, update)).toMatchObject(isEmptyUpdate(update) ? { ok: false } : { ok: true });
            // The same edits plus one plain string at a text field (a fresh client, same state).
            const other = clientOf(t);
            const bad = clientDiff(t, other, (d) => {
              Y.applyUpdate(d, update);
              const blocks = d.getArray<Y.Map<unknown>>('blocks');
              const first = blocks.length > 0 ? blocks.get(0) : undefined;
              const kids = first?.get('children');
              if (nested && kids instanceof Y.Array && kids.length > 0)
                (kids.get(0) as Y.Map<unknown>).set('text', 's');
              else if (first) first.set('text', 'plain');
              else blocks.push([block('x', 'plain')]);
            });
            expect(check(t, bad)).toMatchObject(REFUSAL);
            Y.applyUpdate(t.doc, update);
          }
          expect(t.doc.getArray('blocks').toJSON()).toEqual(client.getArray('blocks').toJSON());
        },
      ),
      { numRuns: 60 },
    );
  });
});
