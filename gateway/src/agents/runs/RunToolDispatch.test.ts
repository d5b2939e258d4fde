import type { Scope } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { DerivedSourceSet } from '../../core/DerivedSources.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf } from '../../core/testing/coreHarness.ts';
import { builtinPluginFolders, openPluginHost, type SandboxPluginHost } from '../../plugins/index.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { RunCanvasReader } from './RunCanvasReader.ts';
import { RunEvents } from './RunEvents.ts';
import { runActor } from './RunRecord.ts';
import { type RunTool, runToolOf } from './RunTool.ts';
import { RunToolDispatch } from './RunToolDispatch.ts';

// A run's tool calls on a real core (SQLite spine) and the real plugin sandbox (built-ins).

const h = harnessPerTest((file) => ({ spine: mustOpen({ path: file, durability: 'normal' }), bus: new MemoryBus() }));

let host: SandboxPluginHost;
beforeAll(async () => {
  host = await openPluginHost({ folders: builtinPluginFolders() });
});
afterAll(async () => {
  await host?.close();
});

async function dispatchOn(canvasId: string, maxCalls: number) {
  const canvasScope = scopeOf(canvasId);
  const created = await h.core.submit(ADMIN, command('canvas.create', canvasScope, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  const scope: Scope = { ...canvasScope, run_id: 'run1' };
  const events = new RunEvents(h.core, scope, runActor('run1'), new DerivedSourceSet());
  const manifest = host.manifest('canvas-stats');
  const tool = manifest && runToolOf({ plugin: 'canvas-stats', tool: 'stats', max_calls: maxCalls }, manifest);
  if (!tool) throw new Error('canvas-stats.stats is not installed');
  const canvas = new RunCanvasReader({ principal: EDITOR, scope, core: h.core, events });
  const tools: RunTool[] = [tool];
  const dispatch = new RunToolDispatch({
    runId: 'run1',
    tools,
    events,
    plugins: host,
    caller: { tenantId: scope.tenant_id, projectId: scope.project_id },
    signal: new AbortController().signal,
    canvasFrame: () => canvas.frame(),
  });
  return { dispatch, events };
}

/** The run's stored `tool` events, in log order. */
async function toolEvents() {
  const stored = await h.spine.read('acme/p1', 0, { limit: 1000 });
  return stored
    .map((e) => JSON.parse(e.envelope))
    .filter((env) => env.type === 'run_event' && env.payload.kind === 'tool')
    .map((env) => env.payload);
}

// Real plugin processes (spawned per test or file): roomy timeouts for a loaded machine.
describe('[CONTRACT 10] RunToolDispatch', { timeout: 30_000 }, () => {
  it('calls a frame-stage tool with the canvas, keeps its output and records call and result durably', async () => {
    const { dispatch } = await dispatchOn('c1', 5);
    const answer = JSON.parse(await dispatch.call(0, { call_id: 'k1', tool: 'canvas-stats.stats', input: {} }));
    expect(answer).toMatchObject({ canvas_type: 'board' });
    expect(dispatch.calls).toBe(1);
    expect(dispatch.outputs['canvas-stats.stats']).toMatchObject({ canvas_type: 'board' });
    const events = await toolEvents();
    expect(events.map((e) => [e.call_id, e.phase, e.ok])).toEqual([
      ['k1', 'call', undefined],
      ['k1', 'result', true],
    ]);
  });

  it('refuses an unknown tool and a call past max_calls without calling the plugin', async () => {
    const { dispatch } = await dispatchOn('c1', 1);
    const unknown = JSON.parse(await dispatch.call(0, { call_id: 'u', tool: 'ghost.tool', input: {} }));
    expect(unknown).toEqual({
      ok: false,
      error: "not_found: there is no tool 'ghost.tool' in this run (canvas-stats.stats)",
    });
    await dispatch.call(0, { call_id: 'a', tool: 'canvas-stats.stats', input: {} });
    const second = JSON.parse(await dispatch.call(1, { call_id: 'b', tool: 'canvas-stats.stats', input: {} }));
    expect(second.error).toMatch(/^max_calls: tool 'canvas-stats\.stats' may be called at most 1 times/);
    expect(dispatch.calls).toBe(3);
    const results = (await toolEvents()).filter((e) => e.phase === 'result');
    expect(results.map((e) => [e.call_id, e.ok, e.ms])).toEqual([
      ['u', false, 0],
      ['a', true, expect.any(Number)],
      ['b', false, 0],
    ]);
  });
});
