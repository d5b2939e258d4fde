import type { AnyEvent } from '../sse/parseEnvelope.ts';
import { describe, expect, it } from 'vitest';
import { eventFrame } from '../agents/testing/turnFrames.ts';
import { settle } from '../testing/ManualTimers.ts';
import { TEST_SCOPE, cursorOf } from '../testing/frames.ts';
import { testApi } from '../testing/testApi.ts';
import { RunsClient } from './RunsClient.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

const RUN_SCOPE = { ...TEST_SCOPE, run_id: 'r1' };
const TASK = {
  goal: 'Tidy the board',
  budget: { tokens: 1000, time_ms: 60_000, width: 2, reflection: 0 },
};

function setup() {
  const { timers, fake, api } = testApi({ validate: mode.current, seed: 3 });
  return { timers, fake, runs: new RunsClient(api) };
}

const runEvent = (payload: Record<string, unknown>, cursor: string | null, eventId?: string) =>
  eventFrame('run_event', { run_id: 'r1', ...payload }, cursor, {
    scope: RUN_SCOPE,
    ...(eventId ? { eventId } : {}),
  });

async function collect(iterable: AsyncIterable<AnyEvent>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of iterable) {
    const p = e.payload as { kind?: string; text?: string };
    out.push(e.type === 'run_event' ? `${p.kind}${p.text ? `:${p.text}` : ''}` : e.type);
  }
  return out;
}

const mode = forEachValidationMode(() => {
  describe('transport.runs', () => {
    it('[CONTRACT 10] create posts {scope, task}, then streams the run events until the verdict', async () => {
      const { fake, runs } = setup();
      const creating = runs.create(TASK);
      const post = await fake.next();
      expect(post.method).toBe('POST');
      expect(post.url).toBe('http://gw.test/v1/runs');
      expect(JSON.parse(post.body ?? '{}')).toEqual({ scope: TEST_SCOPE, task: { ...TASK, verify: {} } });
      post.respondJson(201, { run_id: 'r1' });
      const created = await creating;
      if (!created.ok) throw new Error(created.error.message);
      const run = created.value;
      expect(run.id).toBe('r1');
      const get = await fake.next();
      expect(get.url).toBe(
        'http://gw.test/v1/runs/r1/events?tenant_id=acme&project_id=demo&app_id=studio&surface_id=main&mode=edit',
      );
      expect(get.headers.authorization).toBe('Bearer tok');
      const stream = get.respondStream();
      const events = collect(run.events);
      const accepted = {
        ...TASK,
        inputs: {},
        tools: [],
        verify: { assertions: [], scorers: [], refusal_thresholds: {} },
      };
      stream.push(eventFrame('run_started', { run_id: 'r1', task: accepted }, cursorOf(5), { scope: RUN_SCOPE }).text);
      stream.push(runEvent({ kind: 'thought', text: 'look' }, null).text);
      stream.push(
        runEvent({ kind: 'tool', call_id: 'c1', tool: 'canvas-stats.count', phase: 'call' }, cursorOf(6)).text,
      );
      stream.push(runEvent({ kind: 'token', text: 'done' }, null).text);
      stream.push(runEvent({ kind: 'verdict', verdict: 'pass', usage: { tokens: 12 } }, cursorOf(7)).text);
      const verdict = await run.verdict;
      expect(verdict).toMatchObject({ kind: 'verdict', verdict: 'pass', usage: { tokens: 12 } });
      expect(await run.done).toEqual({ ok: true, value: verdict });
      expect(await events).toEqual(['run_started', 'thought:look', 'tool', 'token:done', 'verdict']);
      expect(run.status).toBe('closed');
      expect(stream.closed).toBe(true);
      expect(run.verdictNow).toBe(verdict);
    });

    it('[CONTRACT 4] the run stream resumes with Last-Event-ID; replays are not delivered twice', async () => {
      const { fake, timers, runs } = setup();
      const run = runs.open('r1');
      const first = (await fake.next()).respondStream();
      const tool = runEvent({ kind: 'tool', call_id: 'c1', tool: 'x.y', phase: 'call' }, cursorOf(2));
      const thought = runEvent({ kind: 'thought', text: 'hmm' }, null);
      first.push(tool.text);
      first.push(thought.text);
      await settle();
      first.error();
      await settle();
      for (let i = 0; i < 100 && fake.untaken === 0; i++) await timers.advance(100);
      const again = await fake.next();
      expect(again.headers['last-event-id']).toBe(cursorOf(2));
      const second = again.respondStream();
      second.push(tool.text); // replayed durable event: skipped by cursor
      second.push(thought.text); // replayed telemetry: skipped by event_id
      second.push(runEvent({ kind: 'verdict', verdict: 'stopped', budget_exceeded: 'tokens' }, cursorOf(3)).text);
      expect(await run.verdict).toMatchObject({ verdict: 'stopped', budget_exceeded: 'tokens' });
      expect(await collect(run.events)).toEqual(['tool', 'thought:hmm', 'verdict']);
      expect(run.cursor).toBe(cursorOf(3));
    });

    it('[CONTRACT 10] an invalid TaskSpec comes back as validation_failed with the path', async () => {
      const { fake, runs } = setup();
      const creating = runs.create({ ...TASK, budget: { ...TASK.budget, width: 0 } });
      (await fake.next()).respondJson(400, {
        error: {
          code: 'validation_failed',
          message: 'task.budget.width: must be >= 1',
          details: { issues: [{ path: 'task.budget.width', message: 'must be >= 1' }] },
          request_id: 'q',
        },
      });
      expect(await creating).toEqual({
        ok: false,
        error: {
          code: 'validation_failed',
          message: 'task.budget.width: must be >= 1',
          status: 400,
          details: { issues: [{ path: 'task.budget.width', message: 'must be >= 1' }] },
          requestId: 'q',
        },
      });
      expect(fake.requests).toHaveLength(1); // a refused POST is not retried
    });

    it('[CONTRACT 10] get() reads the run; a wrong shape is a protocol error', async () => {
      const { fake, runs } = setup();
      const getting = runs.get('r1');
      const get = await fake.next();
      expect(get.url).toBe(
        'http://gw.test/v1/runs/r1?tenant_id=acme&project_id=demo&app_id=studio&surface_id=main&mode=edit',
      );
      const info = {
        run_id: 'r1',
        status: 'passed',
        scope: RUN_SCOPE,
        actor: { id: 'ann', kind: 'human' },
        task: { ...TASK, inputs: {}, tools: [], verify: { assertions: [], scorers: [], refusal_thresholds: {} } },
        usage: { tokens: 40, time_ms: 900, tool_calls: 1, rounds: 2, reflections: 0, max_parallel_tools: 1 },
        verdict: { run_id: 'r1', kind: 'verdict', verdict: 'pass' },
        revisions: [3, 4],
        created_at: '2026-12-06T10:00:00.000Z',
      };
      get.respondJson(200, info);
      expect(await getting).toEqual({ ok: true, value: info });
      const bad = runs.get('r1');
      (await fake.next()).respondJson(200, { ...info, revisions: 'many' });
      expect(await bad).toMatchObject({ ok: false, error: { code: 'protocol', message: /revisions/ } });
    });

    it('[CONTRACT 6] a refused run stream ends done with forbidden; close() ends it with closed', async () => {
      const { fake, runs } = setup();
      const refused = runs.open('r1');
      (await fake.next()).respondJson(403, { error: { code: 'forbidden', message: 'no', request_id: 'x' } });
      // The code once: the message is the gateway's reason.
      expect(await refused.done).toEqual({ ok: false, error: { code: 'forbidden', message: 'no' } });
      expect(await collect(refused.events)).toEqual([]);
      const closed = runs.open('r2');
      (await fake.next()).respondStream();
      runs.close();
      expect(await closed.done).toMatchObject({ ok: false, error: { code: 'closed' } });
    });

    it('[CONTRACT 3] an unknown run ends done with not_found', async () => {
      const { fake, runs } = setup();
      const run = runs.open('nope');
      (await fake.next()).respondJson(404, { error: { code: 'not_found', message: 'no run nope', request_id: 'x' } });
      expect(await run.done).toEqual({ ok: false, error: { code: 'not_found', message: 'no run nope' } });
    });
  });
});
