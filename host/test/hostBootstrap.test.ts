import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CanvasTypeManifest } from '@easel/schemas';
import { type BackoffTier, CanvasTransport } from '@easel/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS } from '../src/actors/actors.ts';
import { devTokenSource, mintDevToken } from '../src/bootstrap/devTokens.ts';
import { flowCanvasScope, prepareFlow } from '../src/bootstrap/prepareFlow.ts';
import { type Flow, parseFlow } from '../src/flows/flowSchema.ts';
import { type FlowSession, openFlowSession } from '../src/session/openFlowSession.ts';
import { CliGateway, REPO_ROOT } from './support/devGateway.ts';

const FAST_TIERS: readonly BackoffTier[] = [
  { name: 'immediate', ms: 100 },
  { name: 'quick', ms: 250 },
  { name: 'cap', ms: 500 },
];

/** A canvas type no gateway has built in, standing for a cartridge's manifest. */
const NOTEBOOK: CanvasTypeManifest = {
  type: 'notebook',
  version: '1.0.0',
  title: 'Notebook',
  roots: { blocks: 'array', text: 'text' },
  tokens: { 'doc.title': { type: 'string', max_length: 200, default: '' } },
  tools: [],
};

function flowFile(name: string): Flow {
  const parsed = parseFlow(JSON.parse(readFileSync(path.join(REPO_ROOT, 'host/flows', `${name}.json`), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function uniqueFlow(base: Flow, tag: string, canvases: Flow['canvases'] = base.canvases): Flow {
  const suffix = `${tag}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  return { ...base, canvases: canvases.map((c) => ({ ...c, canvas_id: `${c.canvas_id}-${suffix}` })) };
}

async function ready(transport: CanvasTransport): Promise<void> {
  const result = await transport.ready({ timeoutMs: 15_000 });
  if (!result.ok) throw new Error(`ready: ${result.error.code} ${result.error.message}`);
}

describe('the host against a real `easel dev` gateway', () => {
  let dev: CliGateway;
  const sessions: FlowSession[] = [];

  beforeAll(async () => {
    // The banner's last line is printed after the demo lens policy and board type are installed.
    dev = await CliGateway.start({
      args: ['dev', '--no-app', '--durability', 'normal'],
      readyWhen: /More tokens: POST/,
    });
  });

  afterAll(async () => {
    for (const s of sessions) s.close();
    await dev?.dispose();
  });

  it('[CONTRACT 2] dev tokens carry the actor profile claims; the source re-mints before expiry', async () => {
    const minted = await mintDevToken(dev.url, {
      sub: ACTORS.agent.sub,
      roles: ACTORS.agent.roles,
      kind: 'agent',
      ttl_seconds: 60,
    });
    expect(minted.ok).toBe(true);
    if (!minted.ok) return;
    const claims = JSON.parse(Buffer.from(minted.value.token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: 'ada-agent', tenant_id: 'demo', kind: 'agent', roles: ['agent'] });
    expect(minted.value.exp).toBe(claims.exp);
    // 60 s tokens are inside the refresh margin: every call mints a fresh one.
    const source = devTokenSource(dev.url, { sub: 'short', roles: ['viewer'], ttl_seconds: 60 });
    const a = await source();
    await new Promise((r) => setTimeout(r, 1100));
    const b = await source();
    expect(a).not.toBe(b);
    const long = devTokenSource(dev.url, { sub: 'long', roles: ['viewer'], ttl_seconds: 3600 });
    expect(await long()).toBe(await long());
  });

  it('[CONTRACT 3] a refused mint is a coded value, never a throw', async () => {
    const bad = await mintDevToken(dev.url, { sub: 'x', roles: 'director' as unknown as string[] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'refused', status: 400, detail: 'validation_failed' } });
    const down = await mintDevToken('http://127.0.0.1:9', { sub: 'x', roles: ['viewer'] });
    expect(down).toMatchObject({ ok: false, error: { code: 'network' } });
  });

  it('[CONTRACT 5] prepareFlow creates missing canvases once with the actor’s own token', async () => {
    const admin = await mintDevToken(dev.url, { sub: 'host-admin', roles: ['admin'] });
    if (!admin.ok) throw new Error(admin.error.message);
    const director = await mintDevToken(dev.url, { sub: 'dana', roles: ['director'] });
    if (!director.ok) throw new Error(director.error.message);
    // Types are registered server side (what `easel dev` does from host/dist/easel-dev.json).
    const put = await fetch(`${dev.url}/v1/projects/demo/canvas-types/notebook`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.value.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(NOTEBOOK),
    });
    expect(put.status).toBe(200);
    const base = flowFile('demo');
    const flow = uniqueFlow(base, 'prep', [
      ...base.canvases,
      { canvas_id: 'notes', canvas_type: 'notebook', title: 'Notes' },
    ]);
    // One canvas exists already, created by someone else (another command id): it reads as existing.
    const [firstCanvas, ...rest] = flow.canvases;
    const createdElsewhere = await fetch(`${dev.url}/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.value.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        command_id: `other-${process.pid}`,
        type: 'canvas.create',
        scope: flowCanvasScope(flow, firstCanvas!.canvas_id),
        payload: { canvas_type: 'board' },
      }),
    });
    expect(createdElsewhere.status).toBe(200);
    const first = await prepareFlow({ baseUrl: dev.url, flow, token: director.value.token });
    expect(first).toEqual({
      ok: true,
      value: { created: rest.map((c) => c.canvas_id), existing: [firstCanvas!.canvas_id] },
    });
    // Again (a second tab): everything exists.
    const second = await prepareFlow({ baseUrl: dev.url, flow, token: director.value.token });
    expect(second).toEqual({ ok: true, value: { created: [], existing: flow.canvases.map((c) => c.canvas_id) } });
    const board = new CanvasTransport({
      baseUrl: dev.url,
      token: admin.value.token,
      scope: flowCanvasScope(flow, flow.canvases[0]!.canvas_id),
      tiers: FAST_TIERS,
    }).connect();
    try {
      await ready(board);
      expect(board.canvasType).toBe('board');
      expect(Object.keys(board.manifest?.roots ?? {})).toEqual(['notes', 'layout']);
    } finally {
      board.close();
    }
    // A type the project lacks is refused by the gateway, coded.
    const unknown = uniqueFlow(base, 'unknown', [{ canvas_id: 'x', canvas_type: 'mystery', title: 'X' }]);
    const refused = await prepareFlow({ baseUrl: dev.url, flow: unknown, token: director.value.token });
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused' } });
    // A planner may not create canvases: a clear canvas_missing, nothing created.
    const planner = await mintDevToken(dev.url, { sub: 'p', roles: ['planner'] });
    if (!planner.ok) throw new Error(planner.error.message);
    const fresh = uniqueFlow(base, 'planner');
    const missing = await prepareFlow({ baseUrl: dev.url, flow: fresh, token: planner.value.token });
    expect(missing).toMatchObject({ ok: false, error: { code: 'canvas_missing', status: 403 } });
    if (!missing.ok) expect(missing.error.message).toContain('ask a director');
  });

  it('[CONTRACT 6] actors see what the demo lens lets them: a planner never sees director.secret', async () => {
    const flow = uniqueFlow(flowFile('demo'), 'lens');
    const open = async (actor: 'director' | 'planner' | 'viewer' | 'agent') => {
      const opened = await openFlowSession({
        baseUrl: dev.url,
        flow,
        actor,
        transport: { tiers: FAST_TIERS },
      });
      if (!opened.ok) throw new Error(opened.error.message);
      sessions.push(opened.value);
      const board = opened.value.canvases[0]!.transport.connect();
      await ready(board);
      return { session: opened.value, board };
    };
    const director = await open('director');
    const planner = await open('planner');
    const viewer = await open('viewer');
    const agent = await open('agent');
    expect(director.session.sub).toBe('dana-director');
    expect(typeof director.board.tokens['director.secret']).toBe('string');
    expect(planner.board.tokens).not.toHaveProperty('director.secret');
    expect(planner.board.tokens).toHaveProperty('plan.title');
    expect(planner.board.tokens).not.toHaveProperty('style.accent');
    // The director writes the secret; the planner's stream never carries it (its later write is
    // applied after, so everything before it has reached the planner).
    expect((await director.board.setToken('director.secret', 'launch moves to Thursday')).ok).toBe(true);
    // The planner may set plan.* but not the director's token; the viewer changes nothing.
    const titled = await planner.board.setToken('plan.title', 'Q3 launch');
    expect(titled.ok).toBe(true);
    if (titled.ok) expect((await planner.board.awaitCursor(titled.value.cursor, { timeoutMs: 10_000 })).ok).toBe(true);
    expect(planner.board.tokens).not.toHaveProperty('director.secret');
    expect(JSON.stringify(planner.board.tokens)).not.toContain('Thursday');
    const plannerSecret = await planner.board.setToken('director.secret', 'leak');
    expect(plannerSecret).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const viewerWrite = await viewer.board.setToken('plan.title', 'nope');
    expect(viewerWrite).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The agent acts on shared state with state.ops; the director's mirror receives it live.
    const added = await agent.board.applyOps([
      { op: 'insert', root: 'notes', key: 'n-agent', value: { id: 'n-agent', text: 'From Ada', column: 'todo' } },
    ]);
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    const seen = await director.board.awaitCursor(added.value.cursor, { timeoutMs: 10_000 });
    expect(seen.ok).toBe(true);
    expect(director.board.doc.getMap('notes').toJSON()['n-agent']).toMatchObject({ text: 'From Ada' });
    expect(director.board.tokens['plan.title']).toBe('Q3 launch');
    expect(director.board.tokens['director.secret']).toBe('launch moves to Thursday');
  });

  it('[CONTRACT 2] a second person with the same role gets their own sub (?user=)', async () => {
    const flow = uniqueFlow(flowFile('demo'), 'user');
    // A planner cannot create the flow's canvases: the session says so until a director opened it.
    const early = await openFlowSession({ baseUrl: dev.url, flow, actor: 'planner', user: 'pat-two' });
    expect(early).toMatchObject({ ok: false, error: { code: 'canvas_missing' } });
    const director = await openFlowSession({ baseUrl: dev.url, flow, actor: 'director' });
    if (!director.ok) throw new Error(director.error.message);
    sessions.push(director.value);
    const opened = await openFlowSession({ baseUrl: dev.url, flow, actor: 'planner', user: 'pat-two' });
    if (!opened.ok) throw new Error(opened.error.message);
    sessions.push(opened.value);
    expect(opened.value.sub).toBe('pat-two');
    const claims = JSON.parse(Buffer.from((await opened.value.token()).split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: 'pat-two', roles: ['planner'] });
  });
});

describe('the host against a gateway without dev mode', () => {
  let plain: CliGateway;
  beforeAll(async () => {
    plain = await CliGateway.start({ args: ['serve'], env: { EASEL_JWT_SECRET: 'host-test-secret-0123456789abcdef' } });
  });
  afterAll(async () => {
    await plain?.dispose();
  });

  it('[CONTRACT 2] no dev tokens: the session fails with dev_mode_off and a hint', async () => {
    const opened = await openFlowSession({
      baseUrl: plain.url,
      flow: flowFile('demo'),
      actor: 'director',
    });
    expect(opened).toMatchObject({ ok: false, error: { code: 'dev_mode_off', status: 404 } });
    if (!opened.ok) expect(opened.error.message).toContain('pnpm easel dev');
  });
});
