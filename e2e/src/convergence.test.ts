import type { CanvasTypeManifest } from '@easel/schemas';
import { type CanvasTransport, type RejectedEdit, docToJson } from '@easel/transport';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { flakyFetch } from './support/flakyFetch.ts';
import { seededRandom, sleep } from './support/world.ts';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';

const FUZZBOARD: CanvasTypeManifest = {
  type: 'fuzzboard',
  version: '1.0.0',
  title: 'Fuzz board',
  roots: { notes: 'map', items: 'array', body: 'text' },
  tokens: { 'plan.title': { type: 'string', max_length: 200, default: '' } },
  tools: [],
};

/** One random edit, biased to collide: 4 map keys, array positions, text offsets. */
function randomEdit(doc: Y.Doc, rnd: () => number, label: string, step: number): void {
  const notes = doc.getMap<unknown>('notes');
  const items = doc.getArray<unknown>('items');
  const body = doc.getText('body');
  const key = `k${Math.floor(rnd() * 4)}`;
  const value = `${label}${step}`;
  doc.transact(() => {
    switch (Math.floor(rnd() * 8)) {
      case 0:
        notes.set(key, value);
        break;
      case 1: {
        const block = new Y.Map<unknown>();
        block.set('by', label);
        block.set('tags', Y.Array.from([value]));
        notes.set(key, block);
        break;
      }
      case 2: {
        const current = notes.get(key);
        if (current instanceof Y.Map) {
          current.set('field', value);
          const tags = current.get('tags');
          if (tags instanceof Y.Array) tags.insert(Math.floor(rnd() * (tags.length + 1)), [value]);
        } else notes.delete(key);
        break;
      }
      case 3:
      case 4:
        items.insert(Math.floor(rnd() * (items.length + 1)), [value]);
        break;
      case 5:
        if (items.length > 0) items.delete(Math.floor(rnd() * items.length), 1);
        break;
      case 6:
        body.insert(Math.floor(rnd() * (body.length + 1)), label);
        break;
      default:
        if (body.length > 0) {
          const at = Math.floor(rnd() * body.length);
          body.delete(at, Math.min(2, body.length - at));
        }
    }
  });
}

describe('[CONTRACT 4] convergence over real gateways', () => {
  const suite = gatewayWorldPerSuite();

  for (const [seed, flaky] of [
    [1, false],
    [7, false],
    [42, false],
    [5, true],
    [99, true],
  ] as const) {
    const title = flaky ? ', with dropped streams and lost acknowledgements' : '';
    it(`[CONTRACT 4] two transports converge on concurrent Yjs edits (seed ${seed}${title})`, async () => {
      const admin = await suite.world.token(['admin']);
      const project = suite.world.name('conv');
      await suite.world.registerType(admin, project, FUZZBOARD);
      const scope = suite.world.scope(project, suite.world.name('c'));
      await suite.world.createCanvas(admin, scope, 'fuzzboard');
      const netA = flakyFetch(seededRandom(seed + 1000));
      const netB = flakyFetch(seededRandom(seed + 2000));
      const a = suite.world.transport(
        await suite.world.token(['editor'], 'alice'),
        scope,
        flaky ? { fetch: netA.fetch } : {},
      );
      const b = suite.world.transport(
        await suite.world.token(['editor'], 'bob'),
        scope,
        flaky ? { fetch: netB.fetch } : {},
      );
      a.connect();
      b.connect();
      const rejected: RejectedEdit[] = [];
      for (const t of [a, b]) t.onRejected((r) => rejected.push(r));
      for (const t of [a, b]) {
        const ready = await t.ready({ timeoutMs: 10_000 });
        expect(ready.ok, JSON.stringify(ready)).toBe(true);
      }
      expect(a.view).toBe('full');

      const rnd = seededRandom(seed);
      const peers: Array<[CanvasTransport, string]> = [
        [a, 'A'],
        [b, 'B'],
      ];
      for (let round = 0; round < 40; round++) {
        // Both edit in the same tick: their updates are concurrent at the gateway.
        for (const [t, label] of peers) {
          const edits = 1 + Math.floor(rnd() * 3);
          for (let e = 0; e < edits; e++) randomEdit(t.doc, rnd, label, round * 10 + e);
        }
        const pause = rnd();
        if (pause < 0.3) await Promise.all([a.flushLocalEdits(), b.flushLocalEdits()]);
        else if (pause < 0.7) await sleep(Math.floor(rnd() * 15));
      }
      for (let i = 0; i < 20 && a.pendingLocalEdits + b.pendingLocalEdits > 0; i++) {
        await Promise.all([a.flushLocalEdits(), b.flushLocalEdits()]);
      }
      expect(rejected).toEqual([]);

      const marker = await a.setToken('plan.title', `converged-${seed}`);
      expect(marker.ok, JSON.stringify(marker)).toBe(true);
      if (!marker.ok) return;
      for (const t of [a, b]) {
        const seen = await t.awaitCursor(marker.value.cursor, { timeoutMs: 20_000 });
        expect(seen.ok, JSON.stringify(seen)).toBe(true);
      }
      const stateA = docToJson(a.doc, FUZZBOARD.roots);
      const stateB = docToJson(b.doc, FUZZBOARD.roots);
      const read = await suite.world.getCanvas(admin, scope);
      expect(stateA).toEqual(stateB);
      expect(stateA).toEqual(read.state);
      expect(a.tokens).toEqual(read.tokens);
      expect(b.tokens).toEqual(read.tokens);
      expect(a.revision).toBe(read.revision);
      if (flaky) {
        // The network really misbehaved: streams were resumed and commands re-sent.
        expect(netA.stats.streamsBroken + netB.stats.streamsBroken).toBeGreaterThan(0);
        expect(netA.stats.acksLost + netB.stats.acksLost).toBeGreaterThan(0);
        expect(a.streamCounts.opens + b.streamCounts.opens).toBeGreaterThan(2);
      }
      // The run really collided: both peers' writes survive somewhere in the final state.
      const text = JSON.stringify(stateA);
      expect(text).toMatch(/A\d/);
      expect(text).toMatch(/B\d/);
      a.close();
      b.close();
    });
  }
});
