import type { LensPolicy } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import type { Principal } from './auth/Principal.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf } from './testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const AGENT = { id: 'agent:test', kind: 'agent' } as const;
const ALL = { read: ['*'], write: ['*'] };

/** `chatter` may chat and writes every root, but its lens grants no `state.ops` command. */
const POLICY: LensPolicy = {
  roles: {
    admin: { tokens: ALL, state: ALL, sidecars: { see: true, resolve: true }, commands: ['*'] },
    editor: { tokens: ALL, state: ALL, sidecars: { see: true, resolve: true }, commands: ['*'] },
    chatter: {
      tokens: ALL,
      state: ALL,
      sidecars: { see: false, resolve: false },
      commands: ['chat.send', 'turn.cancel', 'state.update'],
    },
  },
  default_role: 'viewer',
};
const CHATTER: Principal = { actorId: 'cat', tenantId: 'acme', kind: 'human', roles: ['chatter'] };

const OPS = [{ op: 'insert' as const, root: 'notes', key: 'n1', value: { id: 'n1', text: 'hi', column: 'todo' } }];

async function setup() {
  const stored = await h.core.putLensPolicy(ADMIN, 'p1', POLICY);
  if (!stored.ok) throw new Error(stored.error.message);
  const r = await h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }));
  if (!r.ok) throw new Error(r.error.message);
}

function proposal(principal: Principal, commandId: string, ops: typeof OPS | [] = OPS) {
  return {
    principal,
    actor: AGENT,
    scope: scopeOf('c1'),
    commandId,
    ops,
    message: 'agent change',
    outcomeEvents: [{ type: 'commit_succeeded' as const, payload: { turn_id: 't_x' } }],
  };
}

describe('GatewayCore.commitProposal: the command lens (contract §5, §6)', () => {
  it('[CONTRACT 6] ops from a principal whose lens does not grant state.ops are refused 403 forbidden, nothing appended', async () => {
    await setup();
    // The same principal is refused on the command path too.
    const direct = await h.core.submit(CHATTER, command('state.ops', scopeOf('c1'), { ops: OPS }));
    expect(!direct.ok && direct.error.code).toBe('forbidden');
    const head = await h.spine.head('acme/p1');
    const refused = await h.core.commitProposal(proposal(CHATTER, 'turn:refused'));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('forbidden');
    expect(refused.error.details).toEqual({ type: 'state.ops' });
    expect(await h.spine.head('acme/p1')).toBe(head);
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBe(0);
    expect(read.ok && read.value.state.notes).toEqual({});
  });

  it('[CONTRACT 6] the same ops commit for a role granted state.ops; an outcome-only proposal needs no command', async () => {
    await setup();
    const committed = await h.core.commitProposal(proposal(EDITOR, 'turn:ok'));
    expect(committed.ok && committed.value).toMatchObject({ status: 'committed', revision: 1 });
    const outcomeOnly = await h.core.commitProposal(proposal(CHATTER, 'turn:outcome', []));
    expect(outcomeOnly.ok && outcomeOnly.value).toMatchObject({ status: 'committed', revision: 1 });
  });
});
