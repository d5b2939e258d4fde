import { canvasCommitPayloadSchema, runEventSchema, runInfoSchema, runStartedPayloadSchema } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

// Runs (contract §10) against a real gateway process: the local model (fast pace), the built-in
// plugins plus the run fixtures, events read on real SSE streams of /v1/runs/{id}/events.

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme' },
    editor: { tenant: 'acme', sub: 'eve', roles: ['editor'], kind: 'agent' },
    human: { tenant: 'acme', sub: 'hal', roles: ['editor'] },
    viewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
  },
  {
    args: ['--plugins', 'gateway/test/fixtures/run-plugins'],
    env: { EASEL_LOCAL_TOKEN_DELAY_MS: '1' },
  },
);

const FOREVER = 'keep pausing with run-tools.pause forever';

async function board(project: string, canvasId: string): Promise<Record<string, string>> {
  const scope = env.world.scope(project, canvasId);
  await env.world.commit(env.tokens.admin, 'canvas.create', scope, { canvas_type: 'board', title: canvasId });
  return scope;
}

function task(extra: Record<string, unknown> = {}) {
  return {
    goal: 'add three notes about testing',
    budget: { tokens: 100_000, time_ms: 20_000, width: 2, reflection: 0 },
    verify: {},
    ...extra,
  };
}

async function startRun(scope: Record<string, string>, extra: Record<string, unknown>): Promise<string> {
  const res = await api(env.gateway.url, 'POST', '/v1/runs', {
    token: env.tokens.editor,
    body: { scope, task: task(extra) },
  });
  if (res.status !== 201) throw new Error(`run not created: ${res.status} ${res.text}`);
  return res.json.run_id;
}

function query(scope: Record<string, string>): string {
  const { canvas_id: _c, ...rest } = scope;
  return new URLSearchParams(rest).toString();
}

function runEventsUrl(scope: Record<string, string>, runId: string): string {
  return new URL(`/v1/runs/${runId}/events?${query(scope)}`, env.gateway.url).toString();
}

function getRun(scope: Record<string, string>, runId: string) {
  return api(env.gateway.url, 'GET', `/v1/runs/${runId}?${query(scope)}`, { token: env.tokens.editor });
}

function isVerdict(f: SseFrame): boolean {
  return f.event === 'run_event' && f.json?.payload?.kind === 'verdict';
}

/** Opens the run's stream and reads it until the verdict. */
async function untilVerdict(scope: Record<string, string>, runId: string, timeoutMs = 20_000) {
  const stream = new SseClient(runEventsUrl(scope, runId), { token: env.tokens.editor });
  expect((await stream.open()).status).toBe(200);
  const verdict = await stream.waitFor(isVerdict, timeoutMs, `the verdict of ${runId}`);
  return { stream, verdict };
}

describe('[CONTRACT 10] runs end to end', () => {
  it('[CONTRACT 10] invalid specs are 400 naming the path; a viewer is 403; unknown runs 404', async () => {
    const scope = await board('inv', 'c1');
    const post = (body: unknown, token = env.tokens.editor) =>
      api(env.gateway.url, 'POST', '/v1/runs', { token, body });
    const width = await post({ scope, task: task({ budget: { tokens: 5, time_ms: 5, width: 0, reflection: 0 } }) });
    expectErrorBody(width, 400, 'validation_failed');
    expect(width.json.error.message).toMatch(/^task\.budget\.width: /);
    expect(width.json.error.details.issues[0].path).toBe('task.budget.width');
    const pointer = await post({
      scope,
      task: task({ verify: { assertions: [{ id: 'a', path: 'no-slash', op: 'exists' }] } }),
    });
    expectErrorBody(pointer, 400, 'validation_failed');
    expect(pointer.json.error.message).toMatch(/^task\.verify\.assertions\[0\]\.path: must be a JSON pointer/);
    const tool = await post({ scope, task: task({ tools: [{ plugin: 'nope', tool: 'x' }] }) });
    expectErrorBody(tool, 400, 'validation_failed');
    expect(tool.json.error.message).toMatch(/^task\.tools\[0\]\.plugin: /);
    const noCanvas = await post({ scope: env.world.scope('inv'), task: task() });
    expectErrorBody(noCanvas, 400, 'validation_failed');
    expect(noCanvas.json.error.message).toMatch(/^scope\.canvas_id: required/);
    expectErrorBody(await post({ scope, task: task() }, env.tokens.viewer), 403, 'forbidden');
    expectErrorBody(await getRun(scope, 'no-such-run'), 404, 'not_found');
    const events = new SseClient(runEventsUrl(scope, 'no-such-run'), { token: env.tokens.editor });
    expect((await events.open()).status).toBe(404);
  });

  it('[CONTRACT 10] a run adds notes with the local model, calls canvas-stats in the sandbox, streams its events and passes', async () => {
    const scope = await board('e2e', 'c1');
    const runId = await startRun(scope, {
      goal: 'add three notes about testing, after checking canvas-stats.stats',
      tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
      verify: {
        assertions: [
          { id: 'three', path: '/state/notes', op: 'gte', value: 3 },
          { id: 'stats', path: '/output/tools/canvas-stats.stats/board/notes', op: 'equals', value: 0 },
        ],
      },
    });
    const { stream, verdict } = await untilVerdict(scope, runId);
    stream.close();
    expect(verdict.json.payload).toMatchObject({ verdict: 'pass', run_id: runId });
    const frames = stream.frames;
    for (const f of frames) expect(f.json.scope.run_id).toBe(runId);
    expect(frames[0]!.event).toBe('run_started');
    expect(runStartedPayloadSchema.safeParse(frames[0]!.json.payload).success).toBe(true);
    const runEvents = frames.filter((f) => f.event === 'run_event');
    for (const f of runEvents) {
      expect(runEventSchema.safeParse(f.json.payload).success, f.data.slice(0, 200)).toBe(true);
      const durable = f.json.payload.kind === 'tool' || f.json.payload.kind === 'verdict';
      expect({ kind: f.json.payload.kind, durable: f.json.durable, id: f.id !== null }).toEqual({
        kind: f.json.payload.kind,
        durable,
        id: durable,
      });
    }
    const order = frames
      .filter((f) => f.id !== null)
      .map((f) =>
        f.event === 'run_event' ? `${f.json.payload.kind}:${f.json.payload.phase ?? f.json.payload.verdict}` : f.event,
      );
    expect(order).toEqual(['run_started', 'tool:call', 'tool:result', 'state_patch', 'canvas_commit', 'verdict:pass']);
    expect(runEvents.some((f) => f.json.payload.kind === 'token')).toBe(true);
    const result = runEvents.find((f) => f.json.payload.phase === 'result')!;
    expect(result.json.payload).toMatchObject({
      ok: true,
      tool: 'canvas-stats.stats',
      output: { canvas_type: 'board' },
    });

    const info = await getRun(scope, runId);
    expect(info.status).toBe(200);
    expect(runInfoSchema.safeParse(info.json).success).toBe(true);
    expect(info.json).toMatchObject({ run_id: runId, status: 'passed', usage: { tool_calls: 1 } });
    const canvas = await api(env.gateway.url, 'GET', env.world.canvasPath(scope), { token: env.tokens.viewer });
    expect(Object.keys(canvas.json.state.notes)).toHaveLength(3);
    expect(canvas.json.revision).toBe(info.json.revisions[0]);
  });

  it('[CONTRACT 10] budgets stop runaway runs with a durable verdict (tokens, time_ms)', async () => {
    const scope = await board('budget', 'c1');
    const tokens = await startRun(scope, {
      goal: FOREVER,
      tools: [{ plugin: 'run-tools', tool: 'pause' }],
      inputs: { ms: 1 },
      budget: { tokens: 500, time_ms: 30_000, width: 1, reflection: 0 },
    });
    const time = await startRun(scope, {
      goal: FOREVER,
      tools: [{ plugin: 'run-tools', tool: 'pause' }],
      inputs: { ms: 100 },
      budget: { tokens: 50_000_000, time_ms: 800, width: 1, reflection: 0 },
    });
    const [a, b] = await Promise.all([untilVerdict(scope, tokens), untilVerdict(scope, time)]);
    a.stream.close();
    b.stream.close();
    expect(a.verdict.json.payload).toMatchObject({ verdict: 'stopped', budget_exceeded: 'tokens' });
    expect(b.verdict.json.payload).toMatchObject({ verdict: 'stopped', budget_exceeded: 'time_ms' });
    for (const v of [a.verdict, b.verdict]) {
      expect(v.id).not.toBeNull();
      expect(v.json.durable).toBe(true);
    }
    const info = await getRun(scope, time);
    expect(info.json.status).toBe('stopped');
    expect(info.json.usage.time_ms).toBeGreaterThanOrEqual(800);
    expect(info.json.usage.time_ms).toBeLessThan(10_000);
    expect((await getRun(scope, tokens)).json.usage.tokens).toBeGreaterThan(500);
  });

  it('[CONTRACT 10] at most budget.width tool calls are in flight at once', async () => {
    const scope = await board('width', 'c1');
    const tools = [1, 2, 3, 4, 5, 6].map((n) => ({ plugin: 'run-tools', tool: 'pause', alias: `probe_${n}` }));
    const runId = await startRun(scope, {
      goal: 'look around',
      tools,
      inputs: { ms: 150 },
      budget: { tokens: 100_000, time_ms: 20_000, width: 3, reflection: 0 },
    });
    const { stream } = await untilVerdict(scope, runId);
    stream.close();
    const tool = stream.frames.filter((f) => f.event === 'run_event' && f.json.payload.kind === 'tool');
    // In flight as the durable log shows it: calls started minus results, at every point.
    let inFlight = 0;
    let most = 0;
    for (const f of tool) {
      inFlight += f.json.payload.phase === 'call' ? 1 : -1;
      most = Math.max(most, inFlight);
    }
    expect(most).toBeLessThanOrEqual(3);
    const seen = tool.filter((f) => f.json.payload.phase === 'result').map((f) => f.json.payload.output.in_flight);
    expect(seen).toHaveLength(6);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(Math.max(...seen)).toBe(3);
    expect((await getRun(scope, runId)).json.usage.max_parallel_tools).toBe(3);
  });

  it('[CONTRACT 10] a failing assertion ends the run with verdict fail', async () => {
    const scope = await board('fail', 'c1');
    const runId = await startRun(scope, {
      goal: 'add two notes about cats',
      verify: { assertions: [{ id: 'dogs', path: '/state/notes', op: 'contains', value: 'dogs' }] },
    });
    const { stream, verdict } = await untilVerdict(scope, runId);
    stream.close();
    expect(verdict.json.payload).toMatchObject({ verdict: 'fail' });
    expect(verdict.json.payload.reason).toContain('assertion dogs failed');
    expect((await getRun(scope, runId)).json.status).toBe('failed');
  });

  it('[CONTRACT 5] a client command under the ids a run once used (run:<id>:<step>, run:<id>:verdict) suppresses neither its commit nor its verdict', async () => {
    const scope = await board('claimed', 'c1');
    const runId = 'claimed-run';
    // The run id is the client's choice, so these are sent before the run exists: plain
    // commands that take the keys earlier versions stored the run's appends under.
    const claims = ['verdict', '0', '1', '2'].map((k) => `run:${runId}:${k}`);
    for (const [i, commandId] of claims.entries()) {
      const res = await env.world.command(
        env.tokens.editor,
        'canvas.commit',
        scope,
        { message: `claim ${i}` },
        { command_id: commandId },
      );
      expect(res.status, res.text).toBe(200);
      expect(res.json.status).toBe('committed');
    }
    const created = await api(env.gateway.url, 'POST', '/v1/runs', {
      token: env.tokens.editor,
      body: { scope: { ...scope, run_id: runId }, task: task({ goal: 'add three notes about claims' }) },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.run_id).toBe(runId);
    const { stream, verdict } = await untilVerdict(scope, runId, 15_000);
    stream.close();
    expect(verdict.id).not.toBeNull();
    expect(verdict.json).toMatchObject({ durable: true, causation_id: `run:${runId}:verdict` });
    expect(verdict.json.payload).toMatchObject({ verdict: 'pass', run_id: runId });
    const commits = stream.frames.filter((f) => f.event === 'canvas_commit');
    expect(commits.map((f) => f.json.payload.run_id)).toEqual([runId]);
    const canvas = await api(env.gateway.url, 'GET', env.world.canvasPath(scope), { token: env.tokens.editor });
    expect(Object.keys(canvas.json.state.notes)).toHaveLength(3);
    expect((await getRun(scope, runId)).json).toMatchObject({ status: 'passed', revisions: [canvas.json.revision] });
  });

  it('[CONTRACT 10] canvas.revert {run_id} undoes the run in one command and keeps a human edit made after it', async () => {
    const scope = await board('revert', 'c1');
    await env.world.commit(env.tokens.human, 'state.ops', scope, {
      ops: [{ op: 'insert', root: 'notes', key: 'mine', value: { text: 'a human note' } }],
    });
    const runId = await startRun(scope, { goal: 'add three notes about revert' });
    const { stream } = await untilVerdict(scope, runId);
    stream.close();
    const path = env.world.canvasPath(scope);
    const afterRun = await api(env.gateway.url, 'GET', path, { token: env.tokens.human });
    const runNotes = Object.keys(afterRun.json.state.notes).filter((k) => k !== 'mine');
    expect(runNotes).toHaveLength(3);
    const edited = runNotes[0]!;
    await env.world.commit(env.tokens.human, 'state.ops', scope, {
      ops: [{ op: 'update', root: 'notes', key: edited, path: ['text'], value: 'rewritten by a human' }],
    });
    const canvasStream = new SseClient(env.world.streamUrl(scope, { after: afterRun.json.cursor }), {
      token: env.tokens.human,
    });
    expect((await canvasStream.open()).status).toBe(200);
    const revert = await env.world.command(env.tokens.human, 'canvas.revert', scope, { run_id: runId });
    expect(revert.status).toBe(200);
    expect(revert.json.status).toBe('committed');
    const commit = await canvasStream.waitFor(
      (f) => f.event === 'canvas_commit' && f.json.payload.reverted_run === runId,
      5000,
      'the revert commit',
    );
    canvasStream.close();
    expect(canvasCommitPayloadSchema.safeParse(commit.json.payload).success).toBe(true);
    expect(commit.json.payload).toMatchObject({
      kind: 'revert',
      revision: revert.json.revision,
      conflicts: [{ root: 'notes', key: edited, reason: 'changed_since_run' }],
      restored_count: 2,
    });
    const after = await api(env.gateway.url, 'GET', path, { token: env.tokens.human });
    expect(after.json.revision).toBe(revert.json.revision);
    expect(Object.keys(after.json.state.notes).sort()).toEqual(['mine', edited].sort());
    expect(after.json.state.notes[edited].text).toBe('rewritten by a human');
    const again = await env.world.command(env.tokens.human, 'canvas.revert', scope, { run_id: runId });
    expectErrorBody(again, 409, 'conflict');
  });

  it('[CONTRACT 4] resuming /v1/runs/{id}/events with Last-Event-ID gives the rest, no gap and no duplicate', async () => {
    const scope = await board('resume', 'c1');
    const runId = await startRun(scope, {
      goal: 'look around',
      tools: [1, 2, 3, 4].map((n) => ({ plugin: 'run-tools', tool: 'pause', alias: `probe_${n}` })),
      inputs: { ms: 80 },
      budget: { tokens: 100_000, time_ms: 20_000, width: 1, reflection: 0 },
    });
    // First connection: leaves after a few durable events, mid-run.
    const first = new SseClient(runEventsUrl(scope, runId), { token: env.tokens.editor });
    await first.waitFor(() => first.durable().length >= 3, 10_000, 'three durable events');
    first.close();
    const seen = first.durable();
    const last = seen[seen.length - 1]!.id!;
    const second = new SseClient(runEventsUrl(scope, runId), { token: env.tokens.editor, lastEventId: last });
    await second.waitFor(isVerdict, 20_000, 'the verdict');
    second.close();
    const full = new SseClient(runEventsUrl(scope, runId), { token: env.tokens.editor });
    await full.waitFor(isVerdict, 10_000, 'the verdict (full replay)');
    full.close();
    const ids = (frames: SseFrame[]) => frames.map((f) => f.id);
    const joined = [...ids(seen), ...ids(second.durable())];
    expect(new Set(joined).size).toBe(joined.length);
    expect(joined).toEqual(ids(full.durable()));
    expect(full.durable()[0]!.event).toBe('run_started');
  });

  it('[CONTRACT 10] a run cut by kill -9 is stopped with reason interrupted after the restart', async () => {
    const scope = await board('crash', 'c1');
    const runId = await startRun(scope, {
      goal: FOREVER,
      tools: [{ plugin: 'run-tools', tool: 'pause' }],
      inputs: { ms: 50 },
      budget: { tokens: 50_000_000, time_ms: 60_000, width: 1, reflection: 0 },
    });
    const stream = new SseClient(runEventsUrl(scope, runId), { token: env.tokens.editor });
    await stream.waitFor((f) => f.event === 'run_event' && f.json.payload.phase === 'result', 10_000, 'a tool result');
    stream.close();
    await env.gateway.restart('SIGKILL');
    const info = await getRun(scope, runId);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ status: 'stopped', verdict: { verdict: 'stopped', reason: 'interrupted' } });
    const { stream: after, verdict } = await untilVerdict(scope, runId, 5000);
    after.close();
    expect(verdict.json.payload).toMatchObject({ verdict: 'stopped', reason: 'interrupted' });
    expect(after.frames.filter(isVerdict)).toHaveLength(1);
  });
});
