import type { AnyEvent } from '@easel/transport';
import { describe, expect, it } from 'vitest';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';

const BUDGET = { tokens: 20_000, time_ms: 30_000, width: 2, reflection: 0 };

async function collect(events: AsyncIterable<AnyEvent>): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('transport.runs / jobs / plugins on a real gateway', () => {
  const suite = gatewayWorldPerSuite();

  it('[CONTRACT 10] runs.create streams the run to its verdict; get() reads it; the stream replays for a late reader', async () => {
    const { admin, scope } = await suite.world.newBoard('runs');
    const transport = suite.world.transport(admin, scope);
    const created = await transport.runs.create({
      goal: 'add two notes about the launch',
      tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
      budget: BUDGET,
    });
    if (!created.ok) throw new Error(`${created.error.code}: ${created.error.message}`);
    const run = created.value;
    const events = collect(run.events);
    const verdict = await run.verdict;
    expect(['pass', 'fail']).toContain(verdict.verdict);
    expect(await run.done).toEqual({ ok: true, value: verdict });
    const seen = await events;
    expect(seen[0]?.type).toBe('run_started');
    expect(seen.every((e) => e.scope.run_id === run.id)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ type: 'run_event', payload: { kind: 'verdict' } });
    expect(new Set(seen.map((e) => e.event_id)).size).toBe(seen.length);

    const info = await run.get();
    if (!info.ok) throw new Error(info.error.message);
    expect(info.value).toMatchObject({ run_id: run.id, verdict: { verdict: verdict.verdict } });
    expect(info.value.status).not.toBe('running');

    // Another client opens the finished run: the durable events replay from its start.
    const late = transport.runs.open(run.id);
    expect((await late.verdict).verdict).toBe(verdict.verdict);
    const durable = (await collect(late.events)).map((e) => e.event_id);
    expect(durable.length).toBeGreaterThan(0);
    expect(durable.every((id) => seen.some((e) => e.event_id === id))).toBe(true);
  });

  it('[CONTRACT 10] a runaway run is stopped by its budget with a durable verdict', async () => {
    const { admin, scope } = await suite.world.newBoard('runs');
    const transport = suite.world.transport(admin, scope);
    const created = await transport.runs.create({
      goal: 'keep calling tools forever in a loop',
      tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
      budget: { ...BUDGET, tokens: 400, time_ms: 10_000 },
    });
    if (!created.ok) throw new Error(created.error.message);
    const verdict = await created.value.verdict;
    expect(verdict).toMatchObject({ verdict: 'stopped' });
    expect(['tokens', 'time_ms']).toContain(verdict.budget_exceeded);
  });

  it('[CONTRACT 10] an invalid TaskSpec is validation_failed naming the path; a viewer is refused', async () => {
    const { admin, scope } = await suite.world.newBoard('runs');
    const bad = await suite.world.transport(admin, scope).runs.create({ goal: 'x', budget: { ...BUDGET, width: 0 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed', status: 400 } });
    expect(!bad.ok && bad.error.message).toMatch(/task\.budget\.width/);
    const viewer = await suite.world.token(['viewer'], 'vic');
    const refused = await suite.world.transport(viewer, scope).runs.create({ goal: 'x', budget: BUDGET });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
    const missing = await suite.world.transport(admin, scope).runs.get('no-such-run');
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('[CONTRACT 9] jobs.create / get and plugins list / health / inspect / invoke', async () => {
    const { admin, scope } = await suite.world.newBoard('jobs');
    const transport = suite.world.transport(admin, scope);
    const listed = await transport.plugins.list();
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.map((p) => p.name)).toContain('canvas-stats');
    expect(await transport.plugins.health('canvas-stats')).toMatchObject({ ok: true, value: { name: 'canvas-stats' } });
    const inspected = await transport.plugins.inspect('canvas-stats');
    expect(inspected.ok && Object.keys(inspected.value.tools)).toContain('stats');
    expect(await transport.plugins.health('nope')).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const frame = { kind: 'canvas', canvas_type: 'board', state: { notes: { n1: { text: 'hi' } } }, tokens: {} };
    const called = await transport.plugins.invoke('canvas-stats', 'stats', { frame, index: 0 });
    if (!called.ok) throw new Error(`${called.error.code}: ${called.error.message}`);
    expect(called.value.ms).toBeGreaterThanOrEqual(0);
    const refused = await transport.plugins.invoke('canvas-stats', 'stats', { nonsense: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'tool_failed', kind: 'invalid_input' } });

    const started = await transport.jobs.create({ pipeline: ['canvas-stats'], device_requested: 'cpu', input: {} });
    if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
    const jobId = started.value.job_id;
    let status = started.value.status;
    for (let i = 0; i < 150 && status !== 'succeeded' && status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const got = await transport.jobs.get(jobId);
      if (got.ok) status = got.value.status;
    }
    expect(status).toBe('succeeded');
    expect(await transport.jobs.get('nojob')).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
