import { CONTRACT_EXAMPLE_LENS_POLICY, type RunEvent } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordedSession, type RecordedSession } from '../testing/createRecordedSession.ts';
import { DEMO_PLUGINS, demoRecording } from '../testing/fixtures.ts';
import { recordedEvent } from '../testing/recordedEvent.ts';
import { createHarnessApi } from './createHarnessApi.ts';
import type { HarnessApi, RunStreamStatus } from './HarnessApi.ts';
import { harnessApiFromTransport } from './harnessApiFromTransport.ts';

const run = (kind: string, extra: Record<string, unknown>) =>
  recordedEvent('run_event', { run_id: 'run-1', kind, ...extra }, { actor: { id: 'agent', kind: 'agent' } });

const sessions: RecordedSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

function session(): RecordedSession {
  const s = createRecordedSession(
    demoRecording({
      pace: 'instant',
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'pat', roles: ['planner'] },
      runs: {
        'run-1': [
          run('thought', { text: 'look at notes' }),
          run('tool', { call_id: 'c1', tool: 'canvas-stats', phase: 'call' }),
          run('verdict', { verdict: 'pass', reason: 'all assertions held' }),
        ],
      },
    }),
  );
  sessions.push(s);
  return s;
}

function follow(
  api: HarnessApi,
  runId: string,
): Promise<{ events: RunEvent[]; statuses: RunStreamStatus[]; error?: string }> {
  return new Promise((resolve) => {
    const events: RunEvent[] = [];
    const statuses: RunStreamStatus[] = [];
    const stop = api.subscribeRun(runId, {
      onEvent: (e) => events.push(e),
      onStatus: (status, error) => {
        statuses.push(status);
        if (status === 'ended' || status === 'error') {
          stop();
          resolve(error === undefined ? { events, statuses } : { events, statuses, error });
        }
      },
    });
  });
}

/** The same contract suite on both implementations (over the recorded gateway). */
const implementations: Array<[string, (s: RecordedSession) => HarnessApi]> = [
  ['createHarnessApi (fetch)', (s) => s.api],
  ['harnessApiFromTransport (the transport’s clients)', (s) => harnessApiFromTransport(s.transport)],
];

describe.each(implementations)('HarnessApi: %s', (_name, make) => {
  it('[CONTRACT 9] lists plugins and inspects one; an unknown plugin is not_found', async () => {
    const api = make(session());
    const list = await api.listPlugins();
    expect(list.ok && list.value.map((p) => p.name)).toEqual(DEMO_PLUGINS.map((p) => p.name));
    const inspected = await api.inspectPlugin('thumbnail');
    expect(inspected.ok && inspected.value.tools.render?.timings_ms?.p95).toBe(120);
    const missing = await api.inspectPlugin('nope');
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });

  it('[CONTRACT 9] starts a job and reads it back; a refused start carries the reason', async () => {
    const api = make(session());
    const started = await api.startJob({ pipeline: ['thumbnail'], device_requested: 'cpu', input: {} });
    expect(started.ok).toBe(true);
    const jobId = started.ok ? started.value.job_id : '';
    const got = await api.getJob(jobId);
    expect(got.ok && got.value.status).toBe('succeeded');
    const refused = await api.startJob({ pipeline: ['upscale'], device_requested: 'gpu', input: {} });
    expect(!refused.ok && refused.error.code).toBe('unavailable');
    expect(!refused.ok && refused.error.message).toContain('needs a GPU');
  });

  it('[CONTRACT 10] follows a run stream to its verdict; an unknown run ends in an error', async () => {
    const api = make(session());
    const followed = await follow(api, 'run-1');
    expect(followed.events.map((e) => e.kind)).toEqual(['thought', 'tool', 'verdict']);
    expect(followed.statuses.at(-1)).toBe('ended');
    const missing = await follow(api, 'run-404');
    expect(missing.statuses.at(-1)).toBe('error');
    expect(missing.events).toEqual([]);
  });
});

describe('lensMe', () => {
  it('[CONTRACT 6] createHarnessApi reads the policy and the token’s roles', async () => {
    const me = await session().api.lensMe();
    expect(me.ok && me.value.roles).toEqual(['planner']);
    expect(me.ok && me.value.actorId).toBe('pat');
    expect(me.ok && me.value.permissions.tokens.write).toEqual(['plan.*']);
  });

  it('harnessApiFromTransport without a lens source answers unavailable, saying why', async () => {
    const me = await harnessApiFromTransport(session().transport).lensMe();
    expect(!me.ok && me.error.code).toBe('unavailable');
  });
});

describe('createHarnessApi.listTurns: what it accepts of GET /v1/canvases/{id}/turns', () => {
  const turn = 't_abcdefghijklmnopqrstuvwx';
  const accepted = recordedEvent('turn_accepted', { turn_id: turn, text: 'add a note' }, { turn_id: turn });
  const answering = (body: unknown, seen: string[] = []) =>
    createHarnessApi({
      baseUrl: 'http://gateway.test',
      token: 'tok',
      scope: { tenant_id: 'acme', project_id: 'p1', app_id: 'a', surface_id: 's', mode: 'edit', canvas_id: 'c1' },
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });

  it('[CONTRACT 4] a history of valid envelopes is the value; the request names the canvas, scope and limit', async () => {
    const seen: string[] = [];
    const body = { events: [{ cursor: 'e1-00000000000000000001', event: accepted }], complete: true };
    const listed = await answering(body, seen).listTurns({ limit: 5 });
    expect(listed.ok && listed.value).toEqual(body);
    expect(seen).toHaveLength(1);
    const url = new URL(seen[0]!);
    expect(url.pathname).toBe('/v1/canvases/c1/turns');
    await answering(body, seen).listTurns({ canvasId: 'other canvas' });
    expect(new URL(seen[1]!).pathname).toBe('/v1/canvases/other%20canvas/turns');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant_id: 'acme',
      project_id: 'p1',
      app_id: 'a',
      surface_id: 's',
      mode: 'edit',
      limit: '5',
    });
  });

  it('[CONTRACT 4] a body that is not the contract’s shape is a protocol error, never a value', async () => {
    const bad = [
      { events: [], complete: 'yes' },
      { events: [{ event: accepted }], complete: true },
      { events: [{ cursor: 'c', event: { ...accepted, payload: { text: 'no turn id' } } }], complete: true },
      { events: [{ cursor: 'c', event: { ...accepted, scope: null } }], complete: true },
      null,
    ];
    for (const body of bad) {
      const listed = await answering(body).listTurns();
      expect(!listed.ok && listed.error.code, JSON.stringify(body)).toBe('protocol');
    }
  });

  it('[CONTRACT 4] a malformed history is a protocol error value, never a throw: the wrapper and each event as turnHistorySchema says', async () => {
    const entry = { cursor: 'e1-00000000000000000001', event: accepted };
    const bad = [
      { events: { 0: entry }, complete: true },
      { turns: [entry], complete: true },
      { events: [entry] },
      { events: [{ ...entry, cursor: '' }], complete: true },
      { events: [{ ...entry, cursor: 'c'.repeat(65) }], complete: true },
      { events: [{ ...entry, event: { ...accepted, type: 42 } }], complete: true },
      { events: [entry, { cursor: 'e1-00000000000000000002', event: 'turn_final' }], complete: true },
      [entry],
      'events',
    ];
    for (const body of bad) {
      const listed = await answering(body).listTurns();
      expect(listed.ok, JSON.stringify(body)).toBe(false);
      expect(!listed.ok && listed.error.code, JSON.stringify(body)).toBe('protocol');
    }
  });
});
