import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scope } from '@easel/schemas';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { openSqliteSpine } from '../../spine/index.ts';
import type { Principal } from '../auth/Principal.ts';
import { GatewayCore } from '../GatewayCore.ts';
import type { EventSpine } from '../spine/EventSpine.ts';
import { StreamHub } from './StreamHub.ts';
import { TestSink } from './TestSink.ts';

// Run streams (`kind: 'run'`, GET /v1/runs/{id}/events): every event whose scope.run_id is the run,
// replayed from the run's start when opened fresh, resumable, live telemetry included.

const admin: Principal = { actorId: 'ann', tenantId: 'acme', kind: 'human', roles: ['admin'] };
const base = { tenant_id: 'acme', project_id: 'proj', app_id: 'app', surface_id: 'main', mode: 'agent' };
const runActor = (runId: string) => ({ id: `run:${runId}`, kind: 'agent' as const });

let dir: string;
let spine: EventSpine;
let core: GatewayCore;
let hub: StreamHub;
let canvas: Scope;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'easel-runstream-'));
  const opened = openSqliteSpine({ path: path.join(dir, 'easel.db'), durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  spine = opened.value;
  core = await GatewayCore.open({ spine, bus: new MemoryBus() });
  hub = new StreamHub(core, {});
  canvas = { ...base, canvas_id: 'c1' };
  const created = await core.submit(admin, {
    command_id: ulid(),
    type: 'canvas.create',
    scope: canvas,
    payload: { canvas_type: 'board' },
  });
  if (!created.ok) throw new Error(created.error.message);
});

afterEach(async () => {
  hub.close();
  await core.close();
  await spine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tool(runId: string, n: number): Promise<string> {
  const r = await core.appendEvents({ ...canvas, run_id: runId }, runActor(runId), [
    { type: 'run_event', payload: { run_id: runId, kind: 'tool', call_id: `c${n}`, tool: 'x.y', phase: 'call' } },
  ]);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.cursor;
}

async function noteByHuman(key: string): Promise<void> {
  const r = await core.submit(admin, {
    command_id: ulid(),
    type: 'state.ops',
    scope: canvas,
    payload: { ops: [{ op: 'insert', root: 'notes', key, value: { text: key } }] },
  });
  if (!r.ok) throw new Error(r.error.message);
}

async function settle(rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

function callIds(sink: TestSink): string[] {
  return sink
    .events()
    .filter((f) => f.event === 'run_event' && f.json.payload.kind === 'tool')
    .map((f) => f.json.payload.call_id as string);
}

describe('[CONTRACT 4][CONTRACT 10] run streams', () => {
  it('a fresh run stream replays the run from its start, then goes live with only that run (telemetry too)', async () => {
    await tool('r0', 0); // before the run: not replayed
    const head = await spine.head('acme/proj');
    await tool('r1', 1);
    await tool('r2', 2);
    await noteByHuman('h1');
    await tool('r1', 3);
    const sink = new TestSink();
    const opened = await hub.open({
      principal: admin,
      scope: { ...canvas, run_id: 'r1' },
      kind: 'run',
      runId: 'r1',
      runStartSeq: head,
      sink,
    });
    expect(opened.ok).toBe(true);
    await tool('r2', 4);
    await tool('r1', 5);
    core.publishTelemetry({ ...canvas, run_id: 'r1' }, runActor('r1'), 'run_event', {
      run_id: 'r1',
      kind: 'token',
      text: 'hi',
    });
    core.publishTelemetry({ ...canvas, run_id: 'r2' }, runActor('r2'), 'run_event', {
      run_id: 'r2',
      kind: 'token',
      text: 'other',
    });
    await settle();
    expect(callIds(sink)).toEqual(['c1', 'c3', 'c5']);
    const tokens = sink.events().filter((f) => f.json?.payload?.kind === 'token');
    expect(tokens.map((f) => [f.id, f.json.payload.text])).toEqual([[null, 'hi']]);
    expect(sink.events().some((f) => f.event === 'CANVAS_READY')).toBe(false);
    for (const f of sink.events()) expect(f.json.scope.run_id).toBe('r1');
  });

  it('resuming after a cursor gives what followed, no gap and no duplicate, racing live appends', async () => {
    const head = await spine.head('acme/proj');
    const cursors: string[] = [];
    for (let i = 0; i < 6; i++) cursors.push(await tool('r1', i));
    const sink = new TestSink();
    const racing = Promise.all([6, 7, 8].map((i) => tool(i % 2 === 0 ? 'r1' : 'r2', i)));
    const opened = await new StreamHub(core, { replayPageSize: 2 }).open({
      principal: admin,
      scope: { ...canvas, run_id: 'r1' },
      kind: 'run',
      runId: 'r1',
      runStartSeq: head,
      after: cursors[2]!,
      sink,
    });
    expect(opened.ok).toBe(true);
    await racing;
    await tool('r1', 9);
    await settle();
    expect(callIds(sink)).toEqual(['c3', 'c4', 'c5', 'c6', 'c8', 'c9']);
    const ids = sink.events().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    if (opened.ok) opened.value.close();
  });

  it('hub.describe lists run streams with their kind', async () => {
    const sink = new TestSink();
    await hub.open({ principal: admin, scope: { ...canvas, run_id: 'r1' }, kind: 'run', runId: 'r1', sink });
    expect(hub.describe().map((s) => s.kind)).toEqual(['run']);
  });
});
