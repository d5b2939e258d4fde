import type { Scope } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { ADMIN, command, harnessPerTest, PLANNER, SECTION_6_POLICY, scopeOf } from '../testing/coreHarness.ts';
import { StreamHub } from './StreamHub.ts';
import { TestSink } from './TestSink.ts';

// A canvas stream carries the partition's project-wide events (no canvas_id: a job of the
// project, its `error` / `job_completed`) live; a client resuming the same stream must get the
// same durable events replayed (contract §4: no gap, no duplicate across reconnects).

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
let hubs: StreamHub[] = [];
afterEach(() => {
  for (const hub of hubs) hub.close();
  hubs = [];
});

function hub(replayPageSize = 500): StreamHub {
  const made = new StreamHub(h.core, { replayPageSize });
  hubs.push(made);
  return made;
}

const PROJECT: Scope = { tenant_id: 'acme', project_id: 'p1', app_id: 'app', surface_id: 'main', mode: 'edit' };
const AGENT = { id: 'job-runner', kind: 'service' } as const;

async function must<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const done = await r;
  if (!done.ok) throw new Error(done.error.message);
  return done.value;
}

async function setTitle(canvasId: string, value: string) {
  return must(h.core.submit(ADMIN, command('token.set', scopeOf(canvasId), { token_id: 'title', value })));
}

async function projectJob(n: number) {
  return must(
    h.core.appendEvents(PROJECT, AGENT, [
      { type: 'job_completed', payload: { job_id: `job-${n}`, status: 'succeeded', derived_from: noSources() } },
    ]),
  );
}

function noSources() {
  return { roots: [], tokens: [], sidecars: false };
}

async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The durable frames a sink received: `[cursor, type]`. */
function durable(sink: TestSink): Array<[string, string]> {
  return sink
    .events()
    .filter((f) => f.id !== null)
    .map((f) => [f.id!, f.event!] as [string, string]);
}

describe('canvas stream replay includes project-wide durable events (contract §4)', () => {
  it.each([
    ['one page', 500],
    ['pages of 2 (a page boundary falls between canvas and project-wide events)', 2],
  ])('[CONTRACT 4] resuming a canvas stream replays exactly the durable events it got live: %s', async (_l, page) => {
    await must(
      h.core.putCanvasType(ADMIN, 'p1', 'titled', {
        type: 'titled',
        version: '1.0.0',
        title: 'Titled',
        roots: { notes: 'map' },
        tokens: { title: { type: 'string', max_length: 100, default: '' } },
        tools: [],
      }),
    );
    for (const id of ['c1', 'c2']) {
      await must(h.core.submit(ADMIN, command('canvas.create', scopeOf(id), { canvas_type: 'titled' })));
    }
    const live = new TestSink();
    expect((await hub().open({ principal: ADMIN, scope: scopeOf('c1'), kind: 'canvas', sink: live })).ok).toBe(true);
    const start = await setTitle('c1', 'a');
    await projectJob(1);
    await setTitle('c2', 'other canvas');
    await projectJob(2);
    await projectJob(3);
    await setTitle('c1', 'b');
    await projectJob(4);
    await settle();
    const seenLive = durable(live);
    // Live: c1's events and the project-wide ones, never c2's.
    expect(seenLive.map(([, type]) => type)).toEqual([
      'token_patch',
      'job_completed',
      'job_completed',
      'job_completed',
      'token_patch',
      'job_completed',
    ]);
    expect(seenLive[0]![0]).toBe(start.cursor);

    const resumed = new TestSink();
    const opened = await hub(page).open({
      principal: ADMIN,
      scope: scopeOf('c1'),
      kind: 'canvas',
      after: start.cursor,
      sink: resumed,
    });
    expect(opened.ok).toBe(true);
    await settle();
    expect(durable(resumed)).toEqual(seenLive.slice(1));
  });

  it('[CONTRACT 4] a lens change (fresh CANVAS_READY) does not send the project-wide events again', async () => {
    await must(h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' })));
    const live = new TestSink();
    // A planner: the policy below changes what it may read, so its stream gets a fresh snapshot.
    expect((await hub().open({ principal: PLANNER, scope: scopeOf('c1'), kind: 'canvas', sink: live })).ok).toBe(true);
    await must(
      h.core.submit(
        ADMIN,
        command('state.ops', scopeOf('c1'), {
          ops: [{ op: 'insert', root: 'notes', key: 'n1', value: { text: 'x' } }],
        }),
      ),
    );
    await projectJob(1);
    await projectJob(2);
    await settle();
    expect(durable(live).map(([, type]) => type)).toEqual(['state_patch', 'job_completed', 'job_completed']);
    await must(h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY));
    await projectJob(3);
    await settle(20);
    const ready = live.events().filter((f) => f.event === 'CANVAS_READY');
    expect(ready.at(-1)?.json.payload.reason).toBe('lens_changed');
    const ids = durable(live).map(([id]) => id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(durable(live).filter(([, type]) => type === 'job_completed')).toHaveLength(3);
  });
});
