import { canvasTypeManifestSchema, type RunEvent, runEventSchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectRunConsole } from './projectRunConsole.ts';
import { RUN_CONSOLE_MANIFEST } from './runConsoleManifest.ts';
import { summarizeRun } from './summarizeRun.ts';

const step = fc.option(fc.nat(3), { nil: undefined });
const runEvent: fc.Arbitrary<RunEvent> = fc.oneof(
  fc.record(
    { run_id: fc.constant('r1'), kind: fc.constant('token' as const), text: fc.string({ maxLength: 5 }), step },
    { requiredKeys: ['run_id', 'kind', 'text'] },
  ),
  fc.record(
    { run_id: fc.constant('r1'), kind: fc.constant('thought' as const), text: fc.string({ maxLength: 5 }), step },
    { requiredKeys: ['run_id', 'kind', 'text'] },
  ),
  fc.record(
    {
      run_id: fc.constant('r1'),
      kind: fc.constant('tool' as const),
      call_id: fc.constantFrom('c1', 'c2', 'c3'),
      tool: fc.constantFrom('search', 'render'),
      phase: fc.constantFrom('call' as const, 'result' as const),
      ok: fc.boolean(),
      step,
    },
    { requiredKeys: ['run_id', 'kind', 'call_id', 'tool', 'phase'] },
  ),
  fc.record({
    run_id: fc.constant('r1'),
    kind: fc.constant('verdict' as const),
    verdict: fc.constantFrom('pass' as const, 'fail' as const, 'stopped' as const),
  }),
);

describe('summarizeRun', () => {
  it('[CONTRACT 10] keeps every token in order, pairs tool calls by call_id, and ends on the last verdict', () => {
    fc.assert(
      fc.property(fc.array(runEvent, { maxLength: 40 }), (events) => {
        for (const e of events) expect(runEventSchema.safeParse(e).success).toBe(true);
        const s = summarizeRun(events);
        const output = s.entries.flatMap((e) => (e.kind === 'output' ? [e.text] : [])).join('');
        expect(output).toBe(events.flatMap((e) => (e.kind === 'token' ? [e.text] : [])).join(''));
        const calls = new Set(events.flatMap((e) => (e.kind === 'tool' ? [e.call_id] : [])));
        expect(s.toolCalls).toBe(calls.size);
        expect(s.entries.filter((e) => e.kind === 'tool')).toHaveLength(calls.size);
        const lastResult = new Map<string, boolean>();
        for (const e of events) if (e.kind === 'tool' && e.phase === 'result') lastResult.set(e.call_id, e.ok ?? true);
        expect(s.toolFailures).toBe([...lastResult.values()].filter((ok) => !ok).length);
        const verdicts = events.filter((e) => e.kind === 'verdict');
        expect(s.verdict).toBe(verdicts.at(-1) ?? null);
      }),
    );
  });

  it('merges consecutive tokens of one step and starts a new entry on another step', () => {
    const s = summarizeRun([
      { run_id: 'r', kind: 'token', text: 'Hel', step: 0 },
      { run_id: 'r', kind: 'token', text: 'lo', step: 0 },
      { run_id: 'r', kind: 'token', text: 'Next', step: 1 },
    ]);
    expect(s.entries.map((e) => (e.kind === 'output' ? e.text : ''))).toEqual(['Hello', 'Next']);
  });
});

describe('projectRunConsole', () => {
  it('[CONTRACT 5] the manifest is valid', () => {
    expect(canvasTypeManifestSchema.safeParse(RUN_CONSOLE_MANIFEST).success).toBe(true);
  });

  it('lists runs newest first and follows the token, else the newest', () => {
    const state = {
      runs: {
        a: { goal: 'Old', status: 'done', started_at: '2024-01-01T00:00:00Z' },
        b: { goal: 'New', status: 'running', started_at: '2024-02-01T00:00:00Z' },
        junk: 5,
      },
    };
    const p = projectRunConsole(state, {});
    expect(p.runs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(p.selectedRunId).toBe('b');
    expect(projectRunConsole(state, { 'console.run_id': 'a' }).selectedRunId).toBe('a');
    expect(projectRunConsole({}, {}).selectedRunId).toBeNull();
  });
});
