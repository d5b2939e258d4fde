import type { LensPolicy } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import type { BusEvent } from './bus/EventBus.ts';
import type { TurnInfo } from './commands/TurnLedger.ts';
import { TURN_RECORD_KIND } from './commands/TurnRecords.ts';
import { GatewayCore } from './GatewayCore.ts';
import { ADMIN, command, EDITOR, harnessPerTest, PLANNER, scopeOf } from './testing/coreHarness.ts';
import { SharedMemoryLog } from './testing/SharedMemoryLog.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const AGENT = { id: 'agent:test', kind: 'agent' } as const;

/** Planner may chat and write `layout` only (not `notes`). */
const NO_NOTES_POLICY: LensPolicy = {
  roles: {
    admin: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    planner: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['*'], write: ['layout'] },
      sidecars: { see: false, resolve: false },
      commands: ['chat.send', 'turn.cancel', 'state.*'],
    },
  },
  default_role: 'viewer',
};

function envelope(e: BusEvent): Record<string, unknown> & { payload: Record<string, unknown> } {
  return JSON.parse(e.envelope);
}

async function create(core: GatewayCore, canvasId: string, type = 'board') {
  const r = await core.submit(ADMIN, command('canvas.create', scopeOf(canvasId), { canvas_type: type }));
  if (!r.ok) throw new Error(r.error.message);
}

async function send(core: GatewayCore, canvasId: string, text: string, principal = EDITOR, commandId?: string) {
  const body = command('chat.send', scopeOf(canvasId), { text });
  return core.submit(principal, commandId ? { ...body, command_id: commandId } : body);
}

function noteOp(key: string) {
  return { op: 'insert' as const, root: 'notes', key, value: { id: key, text: `note ${key}`, column: 'todo' } };
}

describe('chat.send and turn.cancel through the command path (contract §5)', () => {
  it('[CONTRACT 5] chat.send appends one durable turn_accepted (turn_id, session_id) before it answers; a repeat is a duplicate of the same turn', async () => {
    await create(h.core, 'c1');
    const accepted: TurnInfo[] = [];
    h.core.turnLedger.onAccepted((t) => {
      // The listener runs once turn_accepted is published: it is on the bus already.
      expect(h.events.some((e) => e.type === 'turn_accepted')).toBe(true);
      accepted.push(t);
    });
    const first = await send(h.core, 'c1', 'hello', EDITOR, 'send-1');
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.status).toBe('committed');
    expect(first.value.revision).toBe(0);
    expect(first.value.turn_id).toMatch(/^t_[A-Za-z0-9]{24}$/);
    const events = h.events.filter((e) => e.type === 'turn_accepted');
    expect(events).toHaveLength(1);
    const env = envelope(events[0]!);
    expect(env).toMatchObject({ durable: true, turn_id: first.value.turn_id, causation_id: 'send-1' });
    expect(env.payload).toEqual({ turn_id: first.value.turn_id, text: 'hello' });
    expect(typeof env.session_id).toBe('string');
    expect(accepted.map((t) => t.turnId)).toEqual([first.value.turn_id]);

    const again = await send(h.core, 'c1', 'hello', EDITOR, 'send-1');
    expect(again.ok && again.value).toMatchObject({
      status: 'duplicate',
      turn_id: first.value.turn_id,
      cursor: first.value.cursor,
    });
    expect(h.events.filter((e) => e.type === 'turn_accepted')).toHaveLength(1);
    expect(accepted).toHaveLength(1);
    // Concurrent repeats (the in-flight path) answer the same turn too.
    const both = await Promise.all([
      send(h.core, 'c1', 'x', EDITOR, 'send-2'),
      send(h.core, 'c1', 'x', EDITOR, 'send-2'),
    ]);
    const ids = both.map((r) => (r.ok ? r.value.turn_id : null));
    expect(ids[0]).toMatch(/^t_/);
    expect(ids[1]).toBe(ids[0]);
    expect(both.map((r) => r.ok && r.value.status).sort()).toEqual(['committed', 'duplicate']);
  });

  it('[CONTRACT 5] chat.send to a missing canvas is 404, by a role without chat.send 403; nothing is appended', async () => {
    await create(h.core, 'c1');
    const head = await h.spine.head('acme/p1');
    const missing = await send(h.core, 'nope', 'hi');
    expect(!missing.ok && missing.error.code).toBe('not_found');
    const planner = { ...NO_NOTES_POLICY.roles.planner!, commands: ['state.*'] };
    await h.core.putLensPolicy(ADMIN, 'p1', { ...NO_NOTES_POLICY, roles: { ...NO_NOTES_POLICY.roles, planner } });
    const refused = await send(h.core, 'c1', 'hi', PLANNER);
    expect(!refused.ok && refused.error.code).toBe('forbidden');
    expect(await h.spine.head('acme/p1')).toBe(head);
  });

  it('[CONTRACT 5] turn.cancel appends turn_cancelled and ends the turn: its commit is refused with nothing appended; a second cancel is 409, an unknown turn 404', async () => {
    await create(h.core, 'c1');
    const ended: string[] = [];
    h.core.turnLedger.onEnded((t, how) => ended.push(`${t.turnId}:${how}`));
    const sent = await send(h.core, 'c1', 'add a note');
    if (!sent.ok) throw new Error(sent.error.message);
    const turnId = sent.value.turn_id!;
    const cancel = await h.core.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: turnId }));
    expect(cancel.ok && cancel.value).toMatchObject({ status: 'committed', turn_id: turnId, revision: 0 });
    expect(ended).toEqual([`${turnId}:cancelled`]);
    const cancelled = h.events.filter((e) => e.type === 'turn_cancelled').map(envelope);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({ turn_id: turnId, payload: { turn_id: turnId, reason: 'cancelled' } });

    const head = await h.spine.head('acme/p1');
    const commit = await h.core.commitProposal({
      principal: EDITOR,
      actor: AGENT,
      scope: scopeOf('c1'),
      commandId: `turn:${turnId}`,
      ops: [noteOp('n1')],
      message: 'late',
      outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: turnId } }],
      turnId,
    });
    expect(!commit.ok && commit.error.code).toBe('conflict');
    const final = await h.core.appendTurnEvents({ scope: scopeOf('c1'), turnId }, AGENT, [
      { type: 'turn_final', payload: { turn_id: turnId, text: 'late' } },
    ]);
    expect(!final.ok && final.error.code).toBe('conflict');
    expect(await h.spine.head('acme/p1')).toBe(head);
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.state.notes).toEqual({});

    const twice = await h.core.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: turnId }));
    expect(!twice.ok && twice.error.code).toBe('conflict');
    const unknown = await h.core.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: 't_unknown' }));
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
  });

  it('[CONTRACT 5] the batch path takes chat.send too, with turn_id on its outcome', async () => {
    await create(h.core, 'c1');
    const r = await h.core.submitBatch(EDITOR, {
      commands: [
        command('chat.send', scopeOf('c1'), { text: 'one' }),
        command('chat.send', scopeOf('c1'), { text: '' }),
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.outcomes[0]).toMatchObject({ status: 'committed', turn_id: expect.stringMatching(/^t_/) });
    expect(r.value.outcomes[1]).toMatchObject({ status: 'rejected', error: { code: 'validation_failed' } });
  });
});

describe('GatewayCore.commitProposal (issue 6 authority boundary)', () => {
  it('[CONTRACT 4] one append: state_patch (revision + 1) → canvas_commit (turn_id) → outcome events (revision filled); the commit is a revert target', async () => {
    await create(h.core, 'c1');
    const sent = await send(h.core, 'c1', 'add two notes');
    if (!sent.ok) throw new Error(sent.error.message);
    const turnId = sent.value.turn_id!;
    const before = h.events.length;
    const r = await h.core.commitProposal({
      principal: EDITOR,
      actor: AGENT,
      scope: scopeOf('c1'),
      commandId: `turn:${turnId}`,
      ops: [noteOp('a'), noteOp('b')],
      message: 'two notes',
      outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: turnId } }],
      turnId,
      sessionId: 's_x',
    });
    expect(r.ok && r.value).toMatchObject({ status: 'committed', revision: 1, turn_id: turnId });
    const appended = h.events.slice(before);
    expect(appended.map((e) => e.type)).toEqual(['state_patch', 'canvas_commit', 'commit_succeeded']);
    const seqs = appended.map((e) => e.seq!);
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
    const [patch, commit, outcome] = appended.map(envelope);
    expect(patch!.payload).toMatchObject({ revision: 1, roots: ['notes'] });
    expect(commit!.payload).toMatchObject({ revision: 1, kind: 'commit', message: 'two notes', turn_id: turnId });
    expect(outcome!.payload).toMatchObject({ turn_id: turnId, revision: 1, commit_id: commit!.payload.commit_id });
    for (const e of [patch, commit, outcome])
      expect(e).toMatchObject({ actor: AGENT, turn_id: turnId, session_id: 's_x' });
    expect(h.core.turnLedger.get('acme/p1', turnId)?.ended).toBe('committed');

    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && Object.keys(read.value.state.notes as object).sort()).toEqual(['a', 'b']);
    expect(read.ok && read.value.revision).toBe(1);
    // Revert to the proposal's revision after a later change: its snapshot was saved.
    await h.core.submit(EDITOR, command('state.ops', scopeOf('c1'), { ops: [noteOp('c')] }));
    const revert = await h.core.submit(ADMIN, command('canvas.revert', scopeOf('c1'), { revision: 1 }));
    expect(revert.ok).toBe(true);
    await h.reopen();
    const after = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(after.ok && Object.keys(after.value.state.notes as object).sort()).toEqual(['a', 'b']);
  });

  it('[CONTRACT 6] a proposal touching a root the principal may not write is refused whole: nothing appended, canvas unchanged', async () => {
    await create(h.core, 'c1');
    await h.core.putLensPolicy(ADMIN, 'p1', NO_NOTES_POLICY);
    const head = await h.spine.head('acme/p1');
    const r = await h.core.commitProposal({
      principal: PLANNER,
      actor: AGENT,
      scope: scopeOf('c1'),
      commandId: 'turn:t_lens',
      ops: [{ op: 'insert', root: 'layout', key: 'x', value: 1 }, noteOp('n')],
      message: 'mixed',
      outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: 't_lens' } }],
    });
    expect(!r.ok && r.error).toMatchObject({ code: 'forbidden', details: { root: 'notes' } });
    expect(await h.spine.head('acme/p1')).toBe(head);
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value).toMatchObject({ revision: 0, state: { notes: {}, layout: {} } });
  });

  it('[CONTRACT 5] a repeated commandId is a duplicate with the original cursor; invalid ops are 400 with the path; empty ops append only the outcome', async () => {
    await create(h.core, 'c1');
    const req = {
      principal: EDITOR,
      actor: AGENT,
      scope: scopeOf('c1'),
      commandId: 'run:r1:1',
      ops: [noteOp('a')],
      message: 'm',
      outcomeEvents: [],
    };
    const [one, two] = await Promise.all([h.core.commitProposal(req), h.core.commitProposal(req)]);
    expect(one.ok && two.ok).toBe(true);
    if (!one.ok || !two.ok) return;
    expect([one.value.status, two.value.status].sort()).toEqual(['committed', 'duplicate']);
    expect(two.value.cursor).toBe(one.value.cursor);
    const three = await h.core.commitProposal(req);
    expect(three.ok && three.value).toMatchObject({ status: 'duplicate', cursor: one.value.cursor, revision: 1 });
    expect(h.events.filter((e) => e.type === 'state_patch')).toHaveLength(1);

    const bad = await h.core.commitProposal({
      ...req,
      commandId: 'x2',
      ops: [{ op: 'insert', root: 'notes' } as never],
    });
    expect(!bad.ok && bad.error.code).toBe('validation_failed');
    expect(!bad.ok && bad.error.message).toMatch(/^ops\[0\]/);

    const before = h.events.length;
    const empty = await h.core.commitProposal({
      ...req,
      commandId: 'x3',
      ops: [],
      outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: 't_e' } }],
    });
    expect(empty.ok && empty.value.revision).toBe(1);
    expect(h.events.slice(before).map((e) => e.type)).toEqual(['commit_succeeded']);
  });

  it('[RECOVERY] chat.send records its turn as open (durable with the event); its end removes it', async () => {
    await create(h.core, 'c1');
    const sent = await send(h.core, 'c1', 'hi');
    if (!sent.ok) throw new Error(sent.error.message);
    await h.spine.flush();
    const open = JSON.parse((await h.spine.getRecord(TURN_RECORD_KIND, 'single'))!);
    expect(open.turns.map((t: { turn_id: string }) => t.turn_id)).toEqual([sent.value.turn_id]);
    await h.core.appendTurnEvents({ scope: scopeOf('c1'), turnId: sent.value.turn_id! }, AGENT, [
      { type: 'commit_failed', payload: { turn_id: sent.value.turn_id, error: { code: 'forbidden', message: 'no' } } },
    ]);
    await h.spine.flush();
    expect(JSON.parse((await h.spine.getRecord(TURN_RECORD_KIND, 'single'))!).turns).toEqual([]);
  });
});

describe('turn events through the lens', () => {
  it('[CONTRACT 6] turn_final proposed_ops on roots a viewer cannot read are removed from its stream (redacted: true)', async () => {
    await create(h.core, 'c1');
    const readsLayout = { ...NO_NOTES_POLICY.roles.planner!, state: { read: ['layout'], write: ['layout'] } };
    await h.core.putLensPolicy(ADMIN, 'p1', {
      ...NO_NOTES_POLICY,
      roles: { ...NO_NOTES_POLICY.roles, planner: readsLayout },
    });
    const sent = await send(h.core, 'c1', 'hi', ADMIN);
    if (!sent.ok) throw new Error(sent.error.message);
    const turnId = sent.value.turn_id!;
    const layoutOp = { op: 'insert', root: 'layout', key: 'x', value: 1 };
    await h.core.appendTurnEvents({ scope: scopeOf('c1'), turnId }, AGENT, [
      { type: 'turn_final', payload: { turn_id: turnId, text: 'both', proposed_ops: [noteOp('n'), layoutOp] } },
    ]);
    const final = h.events.find((e) => e.type === 'turn_final')!;
    const planner = JSON.parse(h.core.projectEvent(await h.core.lensView(PLANNER, 'acme/p1'), final)!);
    expect(planner.payload).toEqual({ turn_id: turnId, text: 'both', proposed_ops: [layoutOp], redacted: true });
    const admin = h.core.projectEvent(await h.core.lensView(ADMIN, 'acme/p1'), final);
    expect(admin).toBe(final.envelope);
  });
});

describe('turns on a shared spine (several writer nodes)', () => {
  let cores: GatewayCore[] = [];
  afterEach(async () => {
    await Promise.all(cores.map((c) => c.close()));
    cores = [];
  });

  it('[SCALE-OUT] a turn accepted on node A and cancelled on node B cannot commit on A; a commit on B applies once', async () => {
    const log = new SharedMemoryLog();
    const bus = new MemoryBus();
    cores = [await GatewayCore.open({ spine: log.node(), bus }), await GatewayCore.open({ spine: log.node(), bus })];
    const [a, b] = cores as [GatewayCore, GatewayCore];
    await create(a, 'c1');
    const sent = await send(a, 'c1', 'hello');
    if (!sent.ok) throw new Error(sent.error.message);
    const turnId = sent.value.turn_id!;
    const cancel = await b.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: turnId }));
    expect(cancel.ok).toBe(true);
    const head = await log.backing.head('acme/p1');
    const commit = await a.commitProposal({
      principal: EDITOR,
      actor: AGENT,
      scope: scopeOf('c1'),
      commandId: `turn:${turnId}`,
      ops: [noteOp('n')],
      message: 'm',
      outcomeEvents: [{ type: 'commit_succeeded', payload: { turn_id: turnId } }],
      turnId,
    });
    expect(!commit.ok && commit.error.code).toBe('conflict');
    expect(await log.backing.head('acme/p1')).toBe(head);

    const onB = await b.commitProposal({
      principal: EDITOR,
      actor: AGENT,
      scope: scopeOf('c1'),
      commandId: 'run:r:1',
      ops: [noteOp('m')],
      message: 'm',
      outcomeEvents: [],
    });
    expect(onB.ok && onB.value).toMatchObject({ status: 'committed', revision: 1 });
    const readA = await a.readCanvas(ADMIN, scopeOf('c1'));
    expect(readA.ok && Object.keys(readA.value.state.notes as object)).toEqual(['m']);
  });
});
