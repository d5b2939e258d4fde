import type { Scope, StateOp } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf, VIEWER } from '../testing/coreHarness.ts';

// canvas.revert {run_id} (contract §10, AGENTS-NOTES): the run's changes come from commitProposal
// with scope.run_id; the revert is one command, three-way per block, on a real SQLite spine.

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function runScope(canvasId: string, runId: string): Scope {
  return { ...scopeOf(canvasId), run_id: runId };
}

function runCommit(canvasId: string, runId: string, step: number, ops: StateOp[]) {
  return ok(
    h.core.commitProposal({
      principal: ADMIN,
      actor: { id: `run:${runId}`, kind: 'agent' },
      scope: runScope(canvasId, runId),
      commandId: `run:${runId}:${step}`,
      ops,
      message: `run ${runId} step ${step}`,
      outcomeEvents: [],
    }),
  );
}

async function notes(canvasId: string) {
  const read = await ok(h.core.readCanvas(ADMIN, scopeOf(canvasId)));
  return { notes: read.state.notes as Record<string, { text: string }>, revision: read.revision };
}

async function setup() {
  await ok(h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' })));
  await ok(
    h.core.submit(
      EDITOR,
      command('state.ops', scopeOf('c1'), {
        ops: [{ op: 'insert', root: 'notes', key: 'h0', value: { text: 'human' } }],
      }),
    ),
  );
  await runCommit('c1', 'r1', 0, [
    { op: 'insert', root: 'notes', key: 'n1', value: { text: 'one' } },
    { op: 'insert', root: 'notes', key: 'n2', value: { text: 'two' } },
    { op: 'insert', root: 'notes', key: 'n3', value: { text: 'three' } },
    { op: 'update', root: 'notes', key: 'h0', path: ['text'], value: 'run edited' },
  ]);
  // A human edits one of the run's notes while the run goes on.
  await ok(
    h.core.submit(
      EDITOR,
      command('state.ops', scopeOf('c1'), {
        ops: [{ op: 'update', root: 'notes', key: 'n2', path: ['text'], value: 'two, by a human' }],
      }),
    ),
  );
  await runCommit('c1', 'r1', 1, [
    { op: 'delete', root: 'notes', key: 'n3' },
    { op: 'insert', root: 'notes', key: 'n4', value: { text: 'four' } },
  ]);
  // Another run's change is not touched by reverting r1.
  await runCommit('c1', 'r2', 0, [{ op: 'insert', root: 'notes', key: 'm1', value: { text: 'other run' } }]);
}

describe('[CONTRACT 10] canvas.revert {run_id}', () => {
  it('undoes the whole run in one command, keeps a concurrent human edit and lists it as a conflict', async () => {
    await setup();
    const before = await notes('c1');
    expect(Object.keys(before.notes).sort()).toEqual(['h0', 'm1', 'n1', 'n2', 'n4']);
    const mark = h.events.length;
    const out = await ok(h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { run_id: 'r1' })));
    expect(out.revision).toBe(before.revision + 1);
    const after = await notes('c1');
    expect(after.notes).toEqual({ h0: { text: 'human' }, n2: { text: 'two, by a human' }, m1: { text: 'other run' } });

    const appended = h.events.slice(mark);
    expect(appended.map((e) => e.type)).toEqual(['state_patch', 'canvas_commit']);
    const commit = JSON.parse(appended[1]!.envelope);
    expect(commit.payload).toMatchObject({
      revision: out.revision,
      kind: 'revert',
      reverted_run: 'r1',
      conflicts: [{ root: 'notes', key: 'n2', reason: 'changed_since_run' }],
      conflict_count: 1,
      restored_count: 3,
    });
    // n3 was added and deleted by the run: nothing to restore.
    const restored = (commit.payload.restored as Array<{ root: string; key: string }>).map((b) => `${b.root}/${b.key}`);
    expect(restored.sort()).toEqual(['notes/h0', 'notes/n1', 'notes/n4']);
    expect(commit.actor).toEqual({ id: 'eve', kind: 'agent' });

    // The resulting revision is a revert target like any commit, and survives a rebuild.
    const history = await ok(h.core.listRevisions(ADMIN, scopeOf('c1')));
    const entry = history.revisions.at(-1)!;
    expect(entry).toMatchObject({ revision: out.revision, kind: 'revert', message: 'revert run r1' });
    await h.reopen();
    expect((await notes('c1')).notes).toEqual(after.notes);
    expect(await ok(h.core.listRevisions(ADMIN, scopeOf('c1')))).toEqual(history);
    await ok(
      h.core.submit(EDITOR, command('state.ops', scopeOf('c1'), { ops: [{ op: 'delete', root: 'notes', key: 'h0' }] })),
    );
    await ok(h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { revision: out.revision })));
    expect((await notes('c1')).notes).toEqual(after.notes);
  });

  it('refuses what cannot be reverted with coded errors, applying nothing', async () => {
    await setup();
    const start = await notes('c1');
    const unknown = await h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { run_id: 'nope' }));
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    const both = await h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { run_id: 'r1', revision: 1 }));
    expect(!both.ok && both.error.code).toBe('validation_failed');
    expect(!both.ok && both.error.message).toBe('payload.run_id: give revision or run_id, not both');
    const viewer = await h.core.submit(VIEWER, command('canvas.revert', scopeOf('c1'), { run_id: 'r1' }));
    expect(!viewer.ok && viewer.error.code).toBe('forbidden');
    expect(await notes('c1')).toEqual(start);

    await ok(h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { run_id: 'r1' })));
    const again = await h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { run_id: 'r1' }));
    expect(!again.ok && again.error.code).toBe('conflict');
  });

  it('a revert racing other commands stays three-way (retried against the newest state)', async () => {
    await setup();
    const racing = Array.from({ length: 5 }, (_, i) =>
      h.core.submit(
        EDITOR,
        command('state.ops', scopeOf('c1'), { ops: [{ op: 'insert', root: 'notes', key: `x${i}`, value: i }] }),
      ),
    );
    const revert = h.core.submit(EDITOR, command('canvas.revert', scopeOf('c1'), { run_id: 'r1' }));
    const results = await Promise.all([...racing, revert]);
    for (const r of results) expect(r.ok).toBe(true);
    const after = await notes('c1');
    expect(Object.keys(after.notes).sort()).toEqual(['h0', 'm1', 'n2', 'x0', 'x1', 'x2', 'x3', 'x4']);
    expect(after.notes.h0).toEqual({ text: 'human' });
  });
});
