import type { LensPolicy } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../core/auth/Principal.ts';
import { ADMIN, command, scopeOf } from '../../core/testing/coreHarness.ts';
import { turnsHarnessPerTest } from './testing/turnsHarness.ts';

const turns = turnsHarnessPerTest();
const h = turns.h;

const ALL = { read: ['*'], write: ['*'] };
/** `chatter` may chat and writes every root, but its lens grants no `state.ops` command. */
const POLICY: LensPolicy = {
  roles: {
    admin: { tokens: ALL, state: ALL, sidecars: { see: true, resolve: true }, commands: ['*'] },
    chatter: { tokens: ALL, state: ALL, sidecars: { see: false, resolve: false }, commands: ['chat.*', 'turn.*'] },
  },
  default_role: 'viewer',
};
const CHATTER: Principal = { actorId: 'cat', tenantId: 'acme', kind: 'human', roles: ['chatter'] };

type Env = { type: string; turn_id?: string; payload: Record<string, unknown> };

describe('a turn commits only what its sender may run (contract §5, §6)', () => {
  it('[CONTRACT 5] a sender whose lens does not grant state.ops: the turn ends commit_failed forbidden, nothing applied', async () => {
    await turns.start();
    expect((await h.core.putLensPolicy(ADMIN, 'p1', POLICY)).ok).toBe(true);
    const created = await h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }));
    expect(created.ok).toBe(true);
    const sent = await h.core.submit(
      CHATTER,
      command('chat.send', scopeOf('c1'), { text: 'add three notes about cats' }),
    );
    if (!sent.ok) throw new Error(sent.error.message);
    const turnId = sent.value.turn_id!;
    const mine = () => h.events.map((e) => JSON.parse(e.envelope) as Env).filter((e) => e.turn_id === turnId);
    const until = Date.now() + 10_000;
    while (!mine().some((e) => e.type === 'commit_succeeded' || e.type === 'commit_failed')) {
      if (Date.now() > until) throw new Error(`turn ${turnId} did not end`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const events = mine();
    const final = events.find((e) => e.type === 'turn_final');
    expect(Array.isArray(final?.payload.proposed_ops) && final.payload.proposed_ops.length).toBeGreaterThan(0);
    const failed = events.find((e) => e.type === 'commit_failed');
    expect(failed?.payload.error).toMatchObject({ code: 'forbidden', details: { type: 'state.ops' } });
    expect(events.some((e) => e.type === 'state_patch' || e.type === 'canvas_commit')).toBe(false);
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBe(0);
    expect(read.ok && read.value.state.notes).toEqual({});
  });
});
