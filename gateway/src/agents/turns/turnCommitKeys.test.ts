import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { legacyTurnCommitCommandId, turnCommitCommandId } from '../../core/commands/turnIds.ts';
import { GatewayCore } from '../../core/GatewayCore.ts';
import { ADMIN, command, EDITOR, scopeOf } from '../../core/testing/coreHarness.ts';
import { SharedMemoryLog } from '../../core/testing/SharedMemoryLog.ts';

// A turn's commit key on a shared spine (several writer nodes): `turn/<turn_id>` (no client
// command id holds `/`); a commit an earlier version stored under `turn:<turn_id>` still ends the
// turn for `turn.cancel` on another node, and a client command under that id does not.

const AGENT = { id: 'agent:test', kind: 'agent' } as const;
const NOTE = { op: 'insert' as const, root: 'notes', key: 'n', value: { id: 'n', text: 'note n', column: 'todo' } };

let cores: GatewayCore[] = [];
afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()));
  cores = [];
});

/** Node A over a fresh shared log with canvas c1 and one turn accepted on it. */
async function acceptedTurn() {
  const log = new SharedMemoryLog();
  const bus = new MemoryBus();
  const a = await GatewayCore.open({ spine: log.node(), bus });
  cores.push(a);
  const created = await a.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  const sent = await a.submit(EDITOR, command('chat.send', scopeOf('c1'), { text: 'hello' }));
  if (!sent.ok) throw new Error(sent.error.message);
  const turnId = sent.value.turn_id!;
  /** Another node, opened now (its ledger has not seen the turn: `turn.cancel` looks the commit up). */
  const nodeB = async () => {
    const b = await GatewayCore.open({ spine: log.node(), bus: new MemoryBus() });
    cores.push(b);
    return b;
  };
  return { a, turnId, nodeB };
}

function commit(core: GatewayCore, turnId: string, commandId: string) {
  return core.commitProposal({
    principal: EDITOR,
    actor: AGENT,
    scope: scopeOf('c1'),
    commandId,
    ops: [NOTE],
    message: `turn ${turnId}: hello`,
    outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: turnId } }],
    turnId,
  });
}

describe('[CONTRACT 5] a turn commit under a key no client command can take', () => {
  it('[CONTRACT 5] turn.cancel on another node is 409 once the commit is stored, under turn/<id> or (earlier versions) turn:<id>', async () => {
    for (const key of [turnCommitCommandId, legacyTurnCommitCommandId]) {
      const { a, turnId, nodeB } = await acceptedTurn();
      const committed = await commit(a, turnId, key(turnId));
      expect(committed.ok && committed.value.status).toBe('committed');
      const b = await nodeB();
      const cancel = await b.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: turnId }));
      expect(!cancel.ok && cancel.error.code, key(turnId)).toBe('conflict');
    }
  });

  it('[CONTRACT 5] a client command sent under turn:<turn_id> neither ends the turn nor suppresses its commit', async () => {
    const { a, turnId, nodeB } = await acceptedTurn();
    const claim = await a.submit(
      EDITOR,
      command('canvas.commit', scopeOf('c1'), { message: 'mine' }, { command_id: legacyTurnCommitCommandId(turnId) }),
    );
    expect(claim.ok && claim.value.status).toBe('committed');
    const b = await nodeB();
    const cancel = await b.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: turnId }));
    expect(cancel.ok && cancel.value.status, JSON.stringify(cancel)).toBe('committed');

    const other = await acceptedTurn();
    await other.a.submit(
      EDITOR,
      command(
        'canvas.commit',
        scopeOf('c1'),
        { message: 'mine' },
        { command_id: legacyTurnCommitCommandId(other.turnId) },
      ),
    );
    const committed = await commit(other.a, other.turnId, turnCommitCommandId(other.turnId));
    expect(committed.ok && committed.value).toMatchObject({ status: 'committed', revision: 1 });
  });
});
