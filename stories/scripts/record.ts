/**
 * Records real envelopes from a real `easel dev` gateway into `stories/recordings/*.json`
 * (the harness's `Recording` format), so every story replays what a gateway actually sent.
 *
 *   pnpm --filter @easel/stories run record
 *
 * Starts its own gateway (temp data dir, port 0), drives it like the host app, a planner and the
 * built-in agent would, records the canvas streams (`/v1/canvases/{id}/events`), the project
 * timeline (`/v1/realtime`), a run stream, plugins and inspectors, and real refusals.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCanvases, HOST_REGISTERED_CANVAS_TYPES } from '@easel/canvases';
import type { RecordedFrame, RecordedPeer, Recording } from '@easel/harness/testing';
import type { CanvasScope, JsonValue, StateOp } from '@easel/schemas';
import { CanvasTransport, scopeQuery } from '@easel/transport';
import { DevGateway, mintDevToken } from '../../e2e/browser/support/DevGateway.ts';
import { recordStream } from './recordStream.ts';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../recordings');
const PROJECT = 'demo';

const ACTORS = {
  director: { id: 'dana-director', name: 'Dana', roles: ['director'], kind: 'human' as const },
  planner: { id: 'pat-planner', name: 'Pat', roles: ['planner'], kind: 'human' as const },
  viewer: { id: 'vic-viewer', name: 'Vic', roles: ['viewer'], kind: 'human' as const },
  agent: { id: 'ada-agent', name: 'Ada', roles: ['agent'], kind: 'agent' as const },
};
type ActorName = keyof typeof ACTORS;

/** Peers replayed by recorded presence (awareness is ephemeral; names and colours are the host's). */
const PEERS: RecordedPeer[] = [
  {
    actor: { id: 'pat-planner', kind: 'human', name: 'Pat', color: '#0ea5e9' },
    path: [
      { x: 120, y: 90 },
      { x: 260, y: 140 },
      { x: 380, y: 220 },
      { x: 240, y: 260 },
    ],
  },
  {
    actor: { id: 'ada-agent', kind: 'agent', name: 'Ada', color: '#10b981' },
    path: [
      { x: 420, y: 80 },
      { x: 520, y: 160 },
      { x: 460, y: 240 },
    ],
  },
];

function scope(canvasId: string): CanvasScope {
  return {
    tenant_id: 'demo',
    project_id: PROJECT,
    app_id: 'host',
    surface_id: 'main',
    mode: 'edit',
    canvas_id: canvasId,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const gateway = await DevGateway.start({ args: ['--no-app'], startTimeoutMs: 120_000 });
  const transports: CanvasTransport[] = [];
  try {
    const tokens = {} as Record<ActorName | 'admin', string>;
    for (const [name, a] of Object.entries(ACTORS)) {
      tokens[name as ActorName] = (await mintDevToken(gateway.url, a.id, a.roles, { kind: a.kind })).token;
    }
    tokens.admin = (await mintDevToken(gateway.url, 'easel-host', ['admin'], { kind: 'service' })).token;
    const api = async (method: string, p: string, token: string, body?: unknown) => {
      const res = await fetch(`${gateway.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    for (const type of HOST_REGISTERED_CANVAS_TYPES) {
      const put = await api(
        'PUT',
        `/v1/projects/${PROJECT}/canvas-types/${type}`,
        tokens.admin,
        builtinCanvases[type]!.manifest,
      );
      if (put.status >= 300) throw new Error(`PUT canvas type ${type}: ${put.status} ${JSON.stringify(put.json)}`);
    }
    const transport = (actor: ActorName | 'admin', canvasId: string) => {
      const t = new CanvasTransport({ baseUrl: gateway.url, token: tokens[actor], scope: scope(canvasId) });
      transports.push(t);
      return t;
    };
    const must = async <T>(
      what: string,
      p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>,
    ) => {
      const r = await p;
      if (!r.ok) throw new Error(`${what}: ${r.error.code} ${r.error.message}`);
      return r.value;
    };
    const create = (canvasId: string, type: string, title: string) =>
      must(`create ${canvasId}`, transport('admin', canvasId).createCanvas(type, title));
    const ops = (actor: ActorName | 'admin', canvasId: string, list: StateOp[]) =>
      must(`ops ${canvasId}`, transport(actor, canvasId).applyOps(list));
    const setToken = (actor: ActorName | 'admin', canvasId: string, id: string, value: JsonValue) =>
      must(`token ${id}`, transport(actor, canvasId).setToken(id, value));
    const canvasStream = (actor: ActorName, canvasId: string) =>
      recordStream(`${gateway.url}/v1/canvases/${canvasId}/events?${scopeQuery(scope(canvasId))}`, tokens[actor]);
    const realtimeStream = (actor: ActorName) => {
      const { canvas_id: _c, ...projectScope } = scope('x');
      return recordStream(`${gateway.url}/v1/realtime?${scopeQuery(projectScope)}`, tokens[actor]);
    };
    const lens = (await api('GET', `/v1/projects/${PROJECT}/lens`, tokens.admin)).json;
    const base = (actor: ActorName, canvasId: string) => ({
      scope: scope(canvasId),
      actor: { id: ACTORS[actor].id, kind: ACTORS[actor].kind, name: ACTORS[actor].name, roles: ACTORS[actor].roles },
      lens: lens as unknown as Recording['lens'],
    });
    const save = (name: string, recording: Recording) => {
      writeFileSync(path.join(OUT, `${name}.json`), `${JSON.stringify(recording, null, 1)}\n`);
      console.log(
        `recorded ${name}: ${recording.canvas.length} canvas frames, ${recording.realtime?.length ?? 0} timeline`,
      );
    };
    mkdirSync(OUT, { recursive: true });

    // ── board: empty ───────────────────────────────────────────────────────────
    await create('rec-board-empty', 'board', 'Empty board');
    const empty = canvasStream('director', 'rec-board-empty');
    await empty.waitFor('CANVAS_READY', 10_000);
    empty.stop();
    save('board-empty', { ...base('director', 'rec-board-empty'), canvas: empty.frames, pace: 'instant' });

    // ── board: full, then live edits, a commit and an agent turn ──────────────
    await create('rec-board', 'board', 'Launch plan');
    const notes: Array<[string, string, string]> = [
      ['n-goals', 'Agree on launch goals', 'done'],
      ['n-owners', 'Name an owner per track', 'done'],
      ['n-press', 'Draft the press note', 'doing'],
      ['n-site', 'Landing page copy', 'doing'],
      ['n-risks', 'List the top risks', 'todo'],
      ['n-budget', 'Confirm the budget', 'todo'],
      ['n-dry-run', 'Dry run on Wednesday', 'todo'],
    ];
    await ops(
      'director',
      'rec-board',
      notes.map(([id, text, column], i) => ({
        op: 'insert',
        root: 'notes',
        key: id,
        value: { text, column, order: i },
      })),
    );
    await setToken('director', 'rec-board', 'plan.title', 'Spring launch');
    await setToken('director', 'rec-board', 'plan.status', 'active');
    await setToken('director', 'rec-board', 'plan.count', 7);
    await setToken('director', 'rec-board', 'style.accent', '#7c3aed');
    const full = canvasStream('director', 'rec-board');
    const timeline = realtimeStream('director');
    await full.waitFor('CANVAS_READY', 10_000);
    await sleep(600);
    await ops('planner', 'rec-board', [
      { op: 'insert', root: 'notes', key: 'n-faq', value: { text: 'Write the FAQ', column: 'todo', order: 9 } },
    ]);
    await sleep(500);
    await setToken('planner', 'rec-board', 'plan.note', 'Ship when the dry run is green.');
    await sleep(400);
    await must('commit', transport('director', 'rec-board').commit('Plan v1'));
    await sleep(300);
    await must('chat.send', transport('planner', 'rec-board').send('chat.send', { text: 'add two notes about risks' }));
    await full.waitFor('turn_final', 60_000).catch((e: unknown) => console.warn(String(e)));
    await full.waitFor('commit_succeeded', 30_000).catch((e: unknown) => console.warn(String(e)));
    await sleep(500);
    full.stop();
    const reply = full.frames
      .filter((f) => f.event.type === 'chat_token')
      .map((f) => String((f.event.payload as { text?: string }).text ?? ''))
      .join('');

    // ── job on the whiteboard: progress, plugin status, completion on the timeline ──
    await create('rec-whiteboard', 'whiteboard', 'Sketches');
    const shapes: StateOp[] = [
      {
        op: 'insert',
        root: 'shapes',
        key: 's-hero',
        value: { kind: 'rect', x: 40, y: 40, w: 220, h: 120, fill: '#e0e7ff', stroke: '#4338ca', z: 1 },
      },
      {
        op: 'insert',
        root: 'shapes',
        key: 's-cta',
        value: { kind: 'ellipse', x: 320, y: 70, w: 140, h: 90, fill: '#dcfce7', stroke: '#15803d', z: 2 },
      },
      {
        op: 'insert',
        root: 'shapes',
        key: 's-note',
        value: {
          kind: 'text',
          x: 60,
          y: 200,
          w: 260,
          h: 40,
          fill: '#ffffff',
          stroke: '#111827',
          z: 3,
          text: 'Hero + call to action',
        },
      },
    ];
    await ops('director', 'rec-whiteboard', shapes);
    const wb = canvasStream('director', 'rec-whiteboard');
    await wb.waitFor('CANVAS_READY', 10_000);
    const job = await api('POST', '/v1/jobs', tokens.director, {
      scope: {
        tenant_id: 'demo',
        project_id: PROJECT,
        app_id: 'host',
        surface_id: 'main',
        mode: 'edit',
        canvas_id: 'rec-whiteboard',
      },
      pipeline: ['canvas-stats', 'whiteboard-thumbnail'],
      device_requested: 'cpu',
      fps: 12,
      input: { canvas_id: 'rec-whiteboard', canvas_frames: 6 },
    });
    if (job.status !== 202) throw new Error(`POST /v1/jobs: ${job.status} ${JSON.stringify(job.json)}`);
    await timeline.waitFor('job_completed', 60_000).catch((e: unknown) => console.warn(String(e)));
    await sleep(300);
    await ops('director', 'rec-whiteboard', [{ op: 'update', root: 'shapes', key: 's-cta', path: ['x'], value: 360 }]);
    await sleep(300);
    wb.stop();
    timeline.stop();
    const plugins = (await api('GET', '/v1/plugins', tokens.director)).json;
    const pluginList = ((plugins as { plugins?: unknown[] }).plugins ?? plugins) as unknown as Recording['plugins'];
    const inspectors: Record<string, unknown> = {};
    for (const p of pluginList ?? [])
      inspectors[p.name] = (await api('GET', `/v1/plugins/${p.name}`, tokens.director)).json;

    save('board-full', {
      ...base('director', 'rec-board'),
      canvas: full.frames,
      realtime: timeline.frames.filter((f) => (f.event.scope as { canvas_id?: string }).canvas_id !== 'rec-board'),
      plugins: pluginList,
      inspectors: inspectors as Recording['inspectors'],
      peers: PEERS,
      ...(reply ? { chatReply: reply } : {}),
    });
    save('whiteboard', { ...base('director', 'rec-whiteboard'), canvas: wb.frames, peers: PEERS });
    save('console', {
      ...base('director', 'rec-whiteboard'),
      canvas: wb.frames,
      realtime: timeline.frames,
      plugins: pluginList,
      inspectors: inspectors as Recording['inspectors'],
      peers: PEERS,
    });

    // ── board as a viewer (read-only) and as a planner whose edits are refused ──
    const asViewer = canvasStream('viewer', 'rec-board');
    await asViewer.waitFor('CANVAS_READY', 10_000);
    asViewer.stop();
    save('board-readonly', { ...base('viewer', 'rec-board'), canvas: asViewer.frames.slice(0, 1) });
    const asPlanner = canvasStream('planner', 'rec-board');
    await asPlanner.waitFor('CANVAS_READY', 10_000);
    asPlanner.stop();
    const layoutEdit = await transport('planner', 'rec-board').applyOps([
      { op: 'insert', root: 'layout', key: 'columns', value: ['now', 'later'] },
    ]);
    const tokenEdit = await transport('planner', 'rec-board').setToken('plan.count', -5);
    if (layoutEdit.ok || tokenEdit.ok) throw new Error('the planner was expected to be refused');
    save('board-rejected', {
      ...base('planner', 'rec-board'),
      canvas: asPlanner.frames.slice(0, 1),
      refuse: {
        'state.ops': { code: layoutEdit.error.code, message: layoutEdit.error.message },
        'token.set': { code: tokenEdit.error.code, message: tokenEdit.error.message },
      },
    });

    // ── doc ───────────────────────────────────────────────────────────────────
    await create('rec-doc', 'doc', 'Launch brief');
    await ops('director', 'rec-doc', [
      { op: 'insert', root: 'blocks', value: { id: 'b-title', kind: 'heading', text: 'Launch brief' } },
      {
        op: 'insert',
        root: 'blocks',
        value: { id: 'b-why', kind: 'paragraph', text: 'Why now: the beta cohort asked for it.' },
      },
      { op: 'insert', root: 'blocks', value: { id: 'b-who', kind: 'bullet', text: 'Audience: teams of 5–50' } },
      { op: 'insert', root: 'blocks', value: { id: 'b-quote', kind: 'quote', text: '“We plan on it every Monday.”' } },
      { op: 'insert', root: 'text', index: 0, value: 'Draft. Pat owns the FAQ; Dana signs off on Friday.' },
    ]);
    await setToken('director', 'rec-doc', 'doc.status', 'review');
    const doc = canvasStream('director', 'rec-doc');
    await doc.waitFor('CANVAS_READY', 10_000);
    await sleep(400);
    await ops('agent', 'rec-doc', [
      { op: 'insert', root: 'blocks', value: { id: 'b-risk', kind: 'bullet', text: 'Risk: support load in week one' } },
    ]);
    await doc.waitFor('state_patch', 10_000);
    doc.stop();
    save('doc', { ...base('director', 'rec-doc'), canvas: doc.frames, peers: PEERS.slice(0, 1) });

    // ── run console: a real run's stream ──────────────────────────────────────
    await create('rec-runs', 'run-console', 'Runs');
    const runFrames: RecordedFrame[] = [];
    let runId: string | null = null;
    const started = await api('POST', '/v1/runs', tokens.director, {
      scope: scope('rec-board'),
      task: {
        goal: 'Add two notes about risks to the launch plan',
        inputs: {},
        tools: [],
        budget: { tokens: 100_000, time_ms: 20_000, width: 1, reflection: 0 },
        verify: {},
      },
    });
    if (started.status === 201 || started.status === 200) {
      runId = String(started.json.run_id);
      const run = recordStream(
        `${gateway.url}/v1/runs/${runId}/events?${scopeQuery(scope('rec-board'))}`,
        tokens.director,
      );
      await run.waitFor('run_event', 30_000, 2).catch((e: unknown) => console.warn(String(e)));
      await sleep(3000);
      run.stop();
      runFrames.push(...run.frames);
      await ops('director', 'rec-runs', [
        {
          op: 'insert',
          root: 'runs',
          key: runId,
          value: {
            goal: 'Add two notes about risks to the launch plan',
            status: 'finished',
            started_at: new Date().toISOString(),
          },
        },
      ]);
    } else console.warn(`POST /v1/runs: ${started.status} ${JSON.stringify(started.json)}`);
    const runs = canvasStream('director', 'rec-runs');
    await runs.waitFor('CANVAS_READY', 10_000);
    runs.stop();
    save('run-console', {
      ...base('director', 'rec-runs'),
      canvas: runs.frames,
      ...(runId ? { runs: { [runId]: runFrames } } : {}),
    });

    // ── media, seen by a planner (no sidecar permission) ──────────────────────
    await create('rec-media', 'media', 'Media');
    const media = canvasStream('planner', 'rec-media');
    await media.waitFor('CANVAS_READY', 10_000);
    media.stop();
    save('media-not-permitted', { ...base('planner', 'rec-media'), canvas: media.frames });
  } finally {
    for (const t of transports) t.close();
    await gateway.dispose();
  }
}

await main();
process.exit(0);
