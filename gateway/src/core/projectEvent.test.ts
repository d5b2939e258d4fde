import { downstreamEventSchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusEvent } from './bus/EventBus.ts';
import { DERIVED_FROM, type DerivedSources, DerivedSourceSet, NO_SOURCES } from './DerivedSources.ts';
import { buildLensView } from './lens/buildLensView.ts';
import type { EffectivePermissions } from './lens/effectivePermissions.ts';
import type { LensView } from './lens/LensView.ts';
import { projectEvent } from './projectEvent.ts';
import { HIDDEN_TEXT } from './redactDerived.ts';

function view(roots: string[], tokens: string[] = ['*'], see = true): LensView {
  const p: EffectivePermissions = {
    tokens: { read: tokens, write: [] },
    state: { read: roots, write: [] },
    sidecars: { see, resolve: see },
    commands: [],
  };
  return buildLensView(p);
}

const DIRECTOR = view(['*']);
/** Reads every root but `shapes`, every token, sees sidecars. */
const PLANNER = view(['layers', 'notes', 'layout']);

const SOURCES: DerivedSources = { roots: ['layers', 'shapes'], tokens: ['style.fill'], sidecars: false };

function bus(type: string, payload: object, durable = false): BusEvent {
  const envelope = JSON.stringify({
    v: 1,
    event_id: '01J9ZQ5W8XKQ3N4M5P6R7S8T9W',
    type,
    timestamp: '2026-01-01T00:00:00.000Z',
    scope: { tenant_id: 'acme', project_id: 'p1', app_id: 'a', surface_id: 's', mode: 'edit', canvas_id: 'wb' },
    actor: { id: 'dan', kind: 'human' },
    durable,
    payload,
  });
  return { partition: 'acme/p1', seq: durable ? 7 : null, canvasId: 'wb', type, envelope };
}

function stamped(payload: object, sources: DerivedSources = SOURCES): object {
  return { ...payload, [DERIVED_FROM]: sources };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed test data
function shown(v: LensView, event: BusEvent): any {
  const json = projectEvent(v, event);
  if (json === null) return null;
  expect(json).not.toContain(DERIVED_FROM);
  const env = JSON.parse(json);
  expect(downstreamEventSchema.safeParse(env).success).toBe(true);
  return env.payload;
}

const STATS = { whiteboard: { shapes: 7, total_area: 4242.5 }, canvas_type: 'whiteboard' };
const JOB_COMPLETED = {
  job_id: 'j1',
  status: 'succeeded',
  device_requested: 'cpu',
  device_used: 'cpu',
  fallback: false,
  frames: 1,
  progress: 100,
  plugin_timings: { 'canvas-stats': 12 },
  warnings: ['canvas-stats: 7 shapes have no fill'],
  pipeline: ['canvas-stats'],
  frames_total: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  canvas_id: 'wb',
  result: [STATS],
};

describe('[CONTRACT 6] projectEvent: data derived from canvas content follows the lens of its sources', () => {
  it('job events: whole (stamp stripped) for a viewer reading every source, structural only otherwise', () => {
    const cases: Array<[string, object, (p: Record<string, unknown>) => void]> = [
      [
        'partial_result',
        { job_id: 'j1', plugin: 'canvas-stats', tool: 'stats', frame: 0, payload: STATS },
        (p) => expect(p.payload).toEqual({}),
      ],
      [
        'frame',
        { job_id: 'j1', index: 0, width: 160, height: 120 },
        (p) => expect(p).toEqual({ job_id: 'j1', index: 0, redacted: true }),
      ],
      [
        'warning',
        { job_id: 'j1', plugin: 'canvas-stats', message: '7 shapes have no fill' },
        (p) => expect(p.message).toBe(HIDDEN_TEXT),
      ],
      [
        'error',
        { job_id: 'j1', plugin: 'canvas-stats', kind: 'threw', message: 'shape s7 is broken' },
        (p) => expect(p).toMatchObject({ kind: 'threw', message: HIDDEN_TEXT }),
      ],
      [
        'job_completed',
        JOB_COMPLETED,
        (p) => {
          expect(p).not.toHaveProperty('result');
          expect(p).not.toHaveProperty('warnings');
          expect(p).toMatchObject({ status: 'succeeded', frames: 1, plugin_timings: { 'canvas-stats': 12 } });
        },
      ],
    ];
    for (const [type, payload, check] of cases) {
      const event = bus(type, stamped(payload), type === 'job_completed' || type === 'error');
      expect(shown(DIRECTOR, event)).toEqual(payload);
      const planner = shown(PLANNER, event);
      expect(planner.redacted).toBe(true);
      expect(JSON.stringify(planner)).not.toMatch(/4242|shapes have|s7/);
      check(planner);
    }
  });

  it('progress and plugin_status carry no content: every viewer gets them, without the stamp', () => {
    const progress = { job_id: 'j1', plugin: 'canvas-stats', tool: 'stats', frame: 0, percent: 50 };
    expect(shown(PLANNER, bus('progress', stamped(progress)))).toEqual(progress);
    const status = { name: 'canvas-stats', state: 'RUNNING', job_id: 'j1', phase: 'finished', ok: true, ms: 3 };
    const event = bus('plugin_status', status);
    expect(projectEvent(PLANNER, event)).toBe(event.envelope);
  });

  it('run events: tool input/output and verdict figures only for readers of every source; model text hidden', () => {
    const call = { run_id: 'r1', step: 0, kind: 'tool', call_id: 'c1', tool: 'canvas-stats.stats', phase: 'call' };
    const result = { ...call, phase: 'result', ok: true, output: STATS, ms: 4 };
    const withInput = { ...call, input: { frame: { state: { shapes: { s1: { w: 4242.5 } } } } } };
    for (const payload of [withInput, result]) {
      const event = bus('run_event', stamped(payload), true);
      expect(shown(DIRECTOR, event)).toEqual(payload);
      const planner = shown(PLANNER, event);
      expect(planner).not.toHaveProperty('input');
      expect(planner).not.toHaveProperty('output');
      expect(planner).toMatchObject({ call_id: 'c1', tool: 'canvas-stats.stats', redacted: true });
    }
    const token = bus('run_event', stamped({ run_id: 'r1', step: 0, kind: 'token', text: 'there are 7 shapes' }));
    expect(shown(DIRECTOR, token).text).toBe('there are 7 shapes');
    expect(projectEvent(PLANNER, token)).toBeNull();
    const verdict = {
      run_id: 'r1',
      kind: 'verdict',
      verdict: 'fail',
      reason: 'assertion area failed: 4242.5 > 100',
      scores: { area: 0.42 },
      score: 0.42,
      assertions: [{ id: 'area', ok: false, message: '4242.5 > 100' }],
      usage: { tokens: 10, time_ms: 20 },
    };
    const v = bus('run_event', stamped(verdict), true);
    expect(shown(DIRECTOR, v)).toEqual(verdict);
    expect(shown(PLANNER, v)).toEqual({
      run_id: 'r1',
      kind: 'verdict',
      verdict: 'fail',
      assertions: [{ id: 'area', ok: false }],
      usage: { tokens: 10, time_ms: 20 },
      redacted: true,
    });
    // A verdict derived from nothing (a node settling an interrupted run) is shown whole.
    const interrupted = { run_id: 'r1', kind: 'verdict', verdict: 'stopped', reason: 'interrupted' };
    expect(shown(PLANNER, bus('run_event', stamped(interrupted, NO_SOURCES), true))).toEqual(interrupted);
  });

  it('tokens and media count as sources too', () => {
    const partial = { job_id: 'j1', plugin: 'p', tool: 't', payload: { value: 1 } };
    const planOnly = view(['*'], ['plan.*']);
    expect(shown(planOnly, bus('partial_result', stamped(partial))).redacted).toBe(true);
    expect(
      shown(planOnly, bus('partial_result', stamped(partial, { ...SOURCES, tokens: ['plan.title'] }))).payload,
    ).toEqual({
      value: 1,
    });
    const blind = view(['*'], ['*'], false);
    const media = { roots: [], tokens: [], sidecars: true };
    expect(shown(blind, bus('partial_result', stamped(partial, media))).redacted).toBe(true);
    expect(shown(DIRECTOR, bus('partial_result', stamped(partial, media))).payload).toEqual({ value: 1 });
  });

  it('an unstamped derived event counts as derived from everything; other types pass untouched', () => {
    const partial = bus('partial_result', { plugin: 'canvas-stats', tool: 'stats', payload: STATS });
    expect(projectEvent(DIRECTOR, partial)).toBe(partial.envelope);
    expect(shown(view(['*'], ['*'], false), partial).payload).toEqual({});
    expect(shown(PLANNER, partial).payload).toEqual({});
    const progress = bus('progress', { percent: 50 });
    expect(projectEvent(PLANNER, progress)).toBe(progress.envelope);
    const broken = { ...partial, envelope: '{"payload": nope' };
    expect(projectEvent(DIRECTOR, broken)).toBeNull();
    const other = { ...partial, type: 'log_line', envelope: 'not json' };
    expect(projectEvent(PLANNER, other)).toBe('not json');
  });

  it('any other event carrying a stamp follows the rule: hidden when its sources are unreadable', () => {
    const line = bus('log_line', stamped({ level: 'info', message: 'shapes: 7' }));
    expect(projectEvent(PLANNER, line)).toBeNull();
    expect(shown(DIRECTOR, line)).toEqual({ level: 'info', message: 'shapes: 7' });
  });

  it('DerivedSourceSet: roots and tokens of canvas frames, media for image frames, bounded', () => {
    const set = new DerivedSourceSet();
    expect(set.current).toBe(NO_SOURCES);
    set.addFrame({ kind: 'canvas', state: { shapes: {}, layers: [] }, tokens: { 'style.fill': '#fff' } });
    const first = set.current;
    expect(first).toEqual({ roots: ['layers', 'shapes'], tokens: ['style.fill'], sidecars: false });
    set.addFrame({ kind: 'canvas', state: { shapes: {} }, tokens: {} });
    expect(set.current).toBe(first); // unchanged: the same stamp object
    set.addFrame({ kind: 'image' });
    expect(set.current.sidecars).toBe(true);
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`t.${i}`, i]));
    set.addFrame({ kind: 'canvas', state: {}, tokens: many });
    expect(set.current.tokens).toEqual(['*']);
    expect(mayReadAll(view(['*'], ['t.*']), set.current)).toBe(false);
    expect(mayReadAll(DIRECTOR, set.current)).toBe(true);
  });
});

function mayReadAll(v: LensView, sources: DerivedSources): boolean {
  const json = projectEvent(v, bus('partial_result', stamped({ payload: { x: 1 } }, sources)));
  return json !== null && !JSON.parse(json).payload.redacted;
}

// --- property: a redacted projection never carries a value computed from unreadable content ---

const ROOTS = ['shapes', 'layers', 'notes', 'layout'];
const TOKENS = ['style.fill', 'plan.title', 'view.zoom'];
const SECRET = 'SECRET';

/** Values derived from content: every string holds the marker, numbers are tell-tale fractions. */
const secretValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 8 }).map((s) => `${SECRET}${s}`),
    fc.integer({ min: 1, max: 1e6 }).map((n) => n + 0.123456),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('x', 'y', 'w', SECRET), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const benignId = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
const structural = fc.record(
  {
    job_id: benignId,
    run_id: benignId,
    plugin: benignId,
    tool: benignId,
    call_id: benignId,
    frame: fc.nat(1000),
    index: fc.nat(1000),
    step: fc.nat(50),
    ok: fc.boolean(),
    ms: fc.nat(10_000),
    percent: fc.integer({ min: 0, max: 100 }),
  },
  { requiredKeys: [] },
);
/** Fields that hold computed data in some event type, plus any other name a producer might use. */
const dataKey = fc.constantFrom(
  'output',
  'input',
  'value',
  'result',
  'payload',
  'message',
  'text',
  'scores',
  'score',
  'reason',
  'warnings',
  'width',
  'height',
  'error',
  'assertions',
  'svg',
  'thumbnail',
  'stats',
);
const eventArb = fc.record({
  type: fc.constantFrom('progress', 'frame', 'partial_result', 'warning', 'error', 'job_completed', 'run_event'),
  kind: fc.constantFrom('tool', 'verdict', 'token', 'thought'),
  base: structural,
  data: fc.dictionary(dataKey, secretValue, { minKeys: 1, maxKeys: 5 }),
  assertions: fc.array(fc.record({ id: benignId, ok: fc.boolean(), message: secretValue }), { maxLength: 3 }),
  sourceRoots: fc.subarray(ROOTS, { minLength: 1 }),
  sourceTokens: fc.subarray(TOKENS),
  sidecars: fc.boolean(),
});
const viewArb = fc.record({
  roots: fc.subarray(ROOTS),
  tokens: fc.oneof(fc.constant<string[]>(['*']), fc.subarray(TOKENS)),
  see: fc.boolean(),
});

describe('[CONTRACT 6] projectEvent property', () => {
  it('a projection for a viewer who cannot read every source never contains a derived value', () => {
    fc.assert(
      fc.property(eventArb, viewArb, (e, v) => {
        const payload: Record<string, unknown> = { ...e.base, ...e.data };
        if (e.type === 'run_event') payload.kind = e.kind;
        if (e.kind === 'verdict') payload.assertions = e.assertions;
        const sources = { roots: e.sourceRoots, tokens: e.sourceTokens, sidecars: e.sidecars };
        const lens = view(v.roots, v.tokens, v.see);
        const event = bus(e.type, stamped(payload, sources));
        const json = projectEvent(lens, event);
        const readsAll =
          sources.roots.every((r) => v.roots.includes(r)) &&
          sources.tokens.every((t) => v.tokens.includes('*') || v.tokens.includes(t)) &&
          (!sources.sidecars || v.see);
        if (json === null) return !readsAll;
        expect(json).not.toContain(DERIVED_FROM);
        const out = JSON.parse(json).payload;
        if (readsAll) {
          expect(out).toEqual(JSON.parse(JSON.stringify(payload)));
          return true;
        }
        expect(json).not.toContain(SECRET);
        expect(json).not.toContain('.123456');
        expect(out.redacted === true || Object.keys(out).every((k) => k in e.base || k === 'kind')).toBe(true);
        // Equal permissions, equal projection (fan-out serializes once per view key).
        expect(projectEvent(view(v.roots, v.tokens, v.see), event)).toBe(json);
        return true;
      }),
      { numRuns: 400 },
    );
  });

  it('never throws, whatever the stored text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('progress', 'job_completed', 'run_event', 'log_line', 'token_patch', 'state_patch'),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((p) => JSON.stringify({ payload: p })),
          fc.jsonValue().map((p) => JSON.stringify({ payload: { [DERIVED_FROM]: p, output: 1 } })),
        ),
        (type, envelope) => {
          const event: BusEvent = { partition: 'acme/p1', seq: 1, canvasId: null, type, envelope };
          for (const v of [DIRECTOR, PLANNER]) {
            const out = projectEvent(v, event);
            expect(out === null || typeof out === 'string').toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('[CONTRACT 6] projectEvent: token_patch', () => {
  const patch = (tokenId: string) =>
    bus('token_patch', { token_id: tokenId, op: 'set', value: 'v', revision: 3 }, true);

  it('a view reading every token gets the stored envelope as is; a restricted view only its tokens', () => {
    const all = view(['*'], ['*']);
    const plan = view(['*'], ['plan.*']);
    expect(all.readsAllTokens).toBe(true);
    expect(plan.readsAllTokens).toBe(false);
    const note = patch('plan.note');
    const color = patch('style.color');
    expect(projectEvent(all, note)).toBe(note.envelope);
    expect(projectEvent(all, color)).toBe(color.envelope);
    expect(projectEvent(plan, note)).toBe(note.envelope);
    expect(projectEvent(plan, color)).toBeNull();
  });

  it('property: readsAllTokens agrees with canReadToken, and the projection with the glob answer', () => {
    const id = fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6}){0,2}$/);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant('*'), fc.constant('plan.*'), id), { maxLength: 4 }),
        id,
        (globs, tokenId) => {
          const v = view(['*'], globs);
          if (v.readsAllTokens) expect(v.canReadToken(tokenId)).toBe(true);
          const event = patch(tokenId);
          expect(projectEvent(v, event)).toBe(v.canReadToken(tokenId) ? event.envelope : null);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('projectEvent: turn output (derived from what the turn’s model was given)', () => {
  const ops = [
    { op: 'insert', root: 'layers', index: 0, value: { id: 'l9' } },
    { op: 'insert', root: 'shapes', key: 's9', value: { kind: 'rect' } },
  ];
  const FINAL = { turn_id: 't_aaaaaaaaaaaaaaaaaaaaaaaa', text: 'the seven shapes cover 4242.5', proposed_ops: ops };

  it('[CONTRACT 6] a stamped turn_final: whole for a reader of every source; text hidden (and unreadable ops removed) otherwise', () => {
    const event = bus('turn_final', stamped(FINAL), true);
    expect(shown(DIRECTOR, event)).toEqual(FINAL);
    expect(shown(PLANNER, event)).toEqual({
      turn_id: FINAL.turn_id,
      text: HIDDEN_TEXT,
      proposed_ops: [ops[0]],
      redacted: true,
    });
    // Sources the planner reads: the text is its to see; only the ops on `shapes` go.
    const readable = bus(
      'turn_final',
      stamped(FINAL, { roots: ['layers'], tokens: ['style.fill'], sidecars: false }),
      true,
    );
    expect(shown(PLANNER, readable)).toEqual({ ...FINAL, proposed_ops: [ops[0]], redacted: true });
    // A malformed stamp counts as derived from everything.
    expect(shown(PLANNER, bus('turn_final', { ...FINAL, [DERIVED_FROM]: 'x' }, true)).text).toBe(HIDDEN_TEXT);
  });

  it('[CONTRACT 6] a stamped chat_token is hidden from a viewer who cannot read its sources, stamp stripped for others', () => {
    const token = { turn_id: FINAL.turn_id, index: 3, text: '4242.5' };
    expect(shown(DIRECTOR, bus('chat_token', stamped(token)))).toEqual(token);
    expect(shown(PLANNER, bus('chat_token', stamped(token)))).toBeNull();
    expect(shown(PLANNER, bus('chat_token', stamped(token, NO_SOURCES)))).toEqual(token);
  });
});
