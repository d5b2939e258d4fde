import { describe, expect, it } from 'vitest';
import { envelope, TEST_MANIFEST } from '../testing/frames.ts';
import { parseEnvelope } from './parseEnvelope.ts';

// Paint first (WIRE-NOTES CANVAS_READY): the snapshot's `state` beside an `update` is JSON.parse
// output painted until `update` is applied; the guard checks its shape but does not walk it.

const UPDATE = 'AAECAw==';

function readyJson(snapshot: Record<string, unknown>) {
  return envelope('CANVAS_READY', {
    canvas_id: 'c1',
    canvas_type: 'board',
    manifest: TEST_MANIFEST,
    revision: 1,
    cursor: null,
    reset: false,
    snapshot,
  }) as Record<string, unknown>;
}

/** A state whose every property read is counted (the blocks behind a getter-free proxy). */
function countedState(blocks: number) {
  const reads = { count: 0 };
  const inner = Array.from({ length: blocks }, (_, i) => ({ id: `b${i}`, text: `block ${i}` }));
  const state = new Proxy(
    { notes: inner },
    {
      get(target, key, receiver) {
        reads.count++;
        return Reflect.get(target, key, receiver);
      },
      ownKeys(target) {
        reads.count++;
        return Reflect.ownKeys(target);
      },
    },
  );
  return { state, reads };
}

const frame = { event: 'CANVAS_READY' } as const;

describe('parseEnvelope', () => {
  it('[CONTRACT 4] a paint-first snapshot state (beside update) is kept as is, not walked by the JSON guard', () => {
    const { state, reads } = countedState(100);
    const parsed = parseEnvelope(readyJson({ update: UPDATE, state, tokens: { t: 1 } }), { ...frame, data: '' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const snapshot = (parsed.event.payload as { snapshot: { state: unknown; update: string; tokens: unknown } })
      .snapshot;
    expect(snapshot.state).toBe(state);
    expect(snapshot.update).toBe(UPDATE);
    expect(snapshot.tokens).toEqual({ t: 1 });
    expect(reads.count).toBe(0);
  });

  it('[CONTRACT 4] the rest of that payload is validated as always (update, tokens, state an object)', () => {
    const bad = [
      { update: 'not base64!', state: { notes: [] }, tokens: {} },
      { update: UPDATE, state: { notes: [] }, tokens: 'x' },
      { update: UPDATE, state: [1, 2], tokens: {} },
      { update: UPDATE, state: 'text', tokens: {} },
      { update: UPDATE, state: null, tokens: {} },
    ];
    for (const snapshot of bad) expect(parseEnvelope(readyJson(snapshot), { ...frame, data: '' }).ok).toBe(false);
  });

  it('[CONTRACT 4] a state without update (a projection view) is still checked to its leaves', () => {
    const { state, reads } = countedState(10);
    expect(parseEnvelope(readyJson({ state, tokens: {} }), { ...frame, data: '' }).ok).toBe(true);
    expect(reads.count).toBeGreaterThan(0);
    const deep = { notes: [{ id: 'a', at: Number.NaN }] };
    expect(parseEnvelope(readyJson({ state: deep, tokens: {} }), { ...frame, data: '' }).ok).toBe(false);
  });

  it('[CONTRACT 4] update in the next frame: a state with update_follows is not walked, and the reader is told the update follows', () => {
    const { state, reads } = countedState(100);
    const parsed = parseEnvelope(readyJson({ state, tokens: {}, update_follows: true }), { ...frame, data: '' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(reads.count).toBe(0);
    expect(parsed.ready).toEqual({ cursor: null, reset: false, follows: true });
    const plain = parseEnvelope(readyJson({ update: UPDATE, tokens: {} }), { ...frame, data: '' });
    expect(plain.ok && plain.ready?.follows).toBeFalsy();
    const update = envelope('CANVAS_READY_UPDATE', { canvas_id: 'c1', revision: 1, update: UPDATE });
    expect(parseEnvelope(update, { event: 'CANVAS_READY_UPDATE', data: '' }).ok).toBe(true);
    const bad = envelope('CANVAS_READY_UPDATE', { canvas_id: 'c1', revision: 1, update: 'not base64!' });
    expect(parseEnvelope(bad, { event: 'CANVAS_READY_UPDATE', data: '' }).ok).toBe(false);
  });

  it('[CONTRACT 5] a manifest from a newer gateway (fields this client does not know, at any level) is read; the unknown fields are dropped', () => {
    const manifest = structuredClone(TEST_MANIFEST) as unknown as Record<string, unknown>;
    manifest.future_field = { x: 1 };
    const tokens = manifest.tokens as Record<string, Record<string, unknown>>;
    for (const decl of Object.values(tokens)) decl.future_hint = 'px';
    manifest.tools = [{ id: 'later', label: 'Later', command: 'state.ops', future_icon: 'star' }];
    const withNew = readyJson({ update: UPDATE, tokens: {} });
    (withNew.payload as Record<string, unknown>).manifest = manifest;
    const read = parseEnvelope(withNew, { ...frame, data: '' });
    if (!read.ok) throw new Error(read.message);
    const got = (read.event.payload as { manifest: Record<string, unknown> }).manifest;
    expect(got).not.toHaveProperty('future_field');
    expect(got.tools).toEqual([{ id: 'later', label: 'Later', command: 'state.ops' }]);
    for (const decl of Object.values(got.tokens as Record<string, object>))
      expect(decl).not.toHaveProperty('future_hint');
  });
});
