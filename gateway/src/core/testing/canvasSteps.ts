import type { Scope } from '@easel/schemas';
import fc from 'fast-check';
import * as Y from 'yjs';
import type { GatewayCore } from '../GatewayCore.ts';
import { ADMIN, command, yUpdate } from './coreHarness.ts';

/**
 * Random command sequences on a board canvas and what must be identical wherever the canvas is
 * materialized (a rebuild from snapshot + tail, another gateway node).
 */
/** What must survive a rebuild: the materialized state, revision, cursor and history. */
export async function observe(core: GatewayCore, s: Scope) {
  const read = await core.readCanvas(ADMIN, s);
  const revisions = await core.listRevisions(ADMIN, s);
  if (!read.ok || !revisions.ok) throw new Error('read failed');
  const view = await core.lensView(ADMIN, 'acme/p1');
  const ready = await core.canvasReady(ADMIN, s, view, { snapshot: true, reset: false });
  if (!ready.ok) throw new Error('ready failed');
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(ready.value.payload.snapshot!.update!, 'base64')));
  return {
    read: read.value,
    revisions: revisions.value,
    seq: ready.value.seq,
    fromSnapshot: { notes: doc.getMap('notes').toJSON(), layout: doc.getMap('layout').toJSON() },
  };
}

export type Step =
  | { kind: 'token'; token: number; value: number }
  | { kind: 'untoken'; token: number }
  | { kind: 'ops'; root: 'notes' | 'layout'; key: number; value: number; action: number }
  | { kind: 'update'; key: number; nested: boolean; del: boolean }
  | { kind: 'commit' }
  | { kind: 'revert'; pick: number };

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('token' as const), token: fc.nat(3), value: fc.nat(1000) }),
  fc.record({ kind: fc.constant('untoken' as const), token: fc.nat(3) }),
  fc.record({
    kind: fc.constant('ops' as const),
    root: fc.constantFrom('notes' as const, 'layout' as const),
    key: fc.nat(4),
    value: fc.nat(100),
    action: fc.nat(2),
  }),
  fc.record({ kind: fc.constant('update' as const), key: fc.nat(4), nested: fc.boolean(), del: fc.boolean() }),
  fc.constant({ kind: 'commit' as const }),
  fc.record({ kind: fc.constant('revert' as const), pick: fc.nat(10) }),
);

const TOKENS = ['plan.title', 'plan.count', 'style.accent', 'plan.status'] as const;
function tokenValue(token: number, n: number): unknown {
  switch (TOKENS[token]) {
    case 'plan.title':
      return `t${n}`;
    case 'plan.count':
      return n;
    case 'style.accent':
      return `#${(n % 4096).toString(16).padStart(3, '0')}`;
    default:
      return ['draft', 'active', 'done'][n % 3];
  }
}

export async function runStep(core: GatewayCore, s: Scope, step: Step): Promise<void> {
  let body: unknown;
  switch (step.kind) {
    case 'token':
      body = command('token.set', s, { token_id: TOKENS[step.token], value: tokenValue(step.token, step.value) });
      break;
    case 'untoken':
      body = command('token.delete', s, { token_id: TOKENS[step.token] });
      break;
    case 'ops': {
      const key = `k${step.key}`;
      const op =
        step.action === 0
          ? { op: 'insert', root: step.root, key, value: { v: step.value, list: [step.value] } }
          : step.action === 1
            ? { op: 'update', root: step.root, key, path: ['v'], value: step.value }
            : { op: 'delete', root: step.root, key };
      body = command('state.ops', s, { ops: [op] });
      break;
    }
    case 'update': {
      const view = await core.lensView(ADMIN, 'acme/p1');
      const ready = await core.canvasReady(ADMIN, s, view, { snapshot: true, reset: false });
      if (!ready.ok) throw new Error('ready failed');
      const base = new Uint8Array(Buffer.from(ready.value.payload.snapshot!.update!, 'base64'));
      body = command('state.update', s, {
        update: yUpdate((d) => {
          const notes = d.getMap<unknown>('notes');
          const key = `u${step.key}`;
          const current = notes.get(key);
          if (step.del) notes.delete(key);
          else if (step.nested && current instanceof Y.Map) current.set('n', step.key);
          else notes.set(key, step.nested ? new Y.Map([['n', 0]]) : step.key);
        }, base),
      });
      break;
    }
    case 'commit':
      body = command('canvas.commit', s, { message: 'c' });
      break;
    case 'revert': {
      const revisions = await core.listRevisions(ADMIN, s);
      const targets = [0, ...(revisions.ok ? revisions.value.revisions.map((r) => r.revision) : [])];
      body = command('canvas.revert', s, { revision: targets[step.pick % targets.length] });
      break;
    }
  }
  const r = await core.submit(ADMIN, body);
  if (!r.ok && !['not_found', 'conflict', 'validation_failed'].includes(r.error.code)) {
    throw new Error(`${step.kind}: ${r.error.code} ${r.error.message}`);
  }
}
