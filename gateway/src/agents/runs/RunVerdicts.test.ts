import { partitionId, type Scope } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { DERIVED_FROM, type DerivedSources } from '../../core/DerivedSources.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf } from '../../core/testing/coreHarness.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { legacyVerdictCommandId } from './runCommandIds.ts';
import type { RunVerdict } from './RunExecution.ts';
import { runActor } from './RunRecord.ts';
import { appendVerdict, verdictSettled } from './RunVerdicts.ts';

// A run's verdict on a real core (SQLite spine): its internal key `run/<id>/verdict` cannot be a
// client's command id, and a verdict an earlier version stored under `run:<id>:verdict` stands.

const h = harnessPerTest((file) => ({ spine: mustOpen({ path: file, durability: 'normal' }), bus: new MemoryBus() }));

const SOURCES: DerivedSources = { roots: ['notes'], tokens: [], sidecars: false };

async function runScope(runId: string): Promise<Scope> {
  const scope = scopeOf('c1');
  const created = await h.core.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  return { ...scope, run_id: runId };
}

/** The run's verdict events in the log (envelopes). */
async function verdicts(scope: Scope, runId: string) {
  const stored = await h.spine.read(partitionId(scope), 0, { limit: 10_000 });
  return stored
    .map((e) => JSON.parse(e.envelope))
    .filter((e) => e.type === 'run_event' && e.payload.kind === 'verdict' && e.payload.run_id === runId);
}

const verdict = (runId: string, v: RunVerdict['verdict'], reason?: string): RunVerdict => ({
  run_id: runId,
  kind: 'verdict',
  verdict: v,
  ...(reason !== undefined ? { reason } : {}),
});

describe('[CONTRACT 10] one verdict per run, under a key no client command can take', () => {
  it('[CONTRACT 10] a verdict an earlier version stored under run:<id>:verdict stands: no second verdict is appended', async () => {
    const runId = 'r-legacy';
    const scope = await runScope(runId);
    // What an earlier version appended when it settled the run (an orphan: interrupted).
    const old = await h.core.commitProposal({
      principal: EDITOR,
      actor: runActor(runId),
      scope,
      commandId: legacyVerdictCommandId(runId),
      ops: [],
      message: `run ${runId}: verdict`,
      outcomeEvents: [
        { type: 'run_event', payload: { ...verdict(runId, 'stopped', 'interrupted'), [DERIVED_FROM]: SOURCES } },
      ],
    });
    expect(old.ok && old.value.status).toBe('committed');
    expect(await verdictSettled(h.core, scope, runId)).toBe(true);
    const target = { runId, scope, principal: EDITOR };
    const standing = await appendVerdict(h.core, target, verdict(runId, 'pass'), SOURCES);
    expect(standing).toMatchObject({ stored: true, verdict: { verdict: 'stopped', reason: 'interrupted' } });
    expect(standing.sources).toEqual(SOURCES);
    const again = await appendVerdict(h.core, target, verdict(runId, 'fail'), SOURCES);
    expect(again.verdict.verdict).toBe('stopped');
    const inLog = await verdicts(scope, runId);
    expect(inLog.map((e) => e.payload.verdict)).toEqual(['stopped']);
  });

  it('[CONTRACT 5] a client command sent under run:<id>:verdict is no verdict: the run is not settled and its verdict is appended once', async () => {
    const runId = 'r-claimed';
    const scope = await runScope(runId);
    const { run_id: _r, ...canvasScope } = scope;
    const claim = await h.core.submit(
      EDITOR,
      command('canvas.commit', canvasScope, { message: 'mine' }, { command_id: legacyVerdictCommandId(runId) }),
    );
    expect(claim.ok && claim.value.status).toBe('committed');
    expect(await verdictSettled(h.core, scope, runId)).toBe(false);
    const target = { runId, scope, principal: EDITOR };
    const standing = await appendVerdict(h.core, target, verdict(runId, 'pass'), SOURCES);
    expect(standing).toMatchObject({ stored: true, verdict: { verdict: 'pass' } });
    expect(await verdictSettled(h.core, scope, runId)).toBe(true);
    const again = await appendVerdict(h.core, target, verdict(runId, 'fail'), SOURCES);
    expect(again).toMatchObject({ stored: true, verdict: { verdict: 'pass' } });
    const inLog = await verdicts(scope, runId);
    expect(inLog.map((e) => [e.payload.verdict, e.causation_id])).toEqual([['pass', legacyVerdictCommandId(runId)]]);
  });
});
