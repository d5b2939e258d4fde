import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OpenAiCompatibleServer,
  startOpenAiCompatibleServer,
} from '../src/agents/models/testing/openAiCompatibleServer.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

/**
 * Interactive turns (issue 6; contract §4 chat/turn events, §5 `chat.send` / `turn.cancel`) on a
 * real gateway process whose model is a local OpenAI-compatible server scripted by the test
 * (`--model-url`), with a delay between each turn's preview and commit
 * (`EASEL_TURN_COMMIT_DELAY_MS`) so it can be killed there (the last test restarts it).
 */

let model: OpenAiCompatibleServer;
let gw: GatewayProcess;
let world: TestWorld;
let admin: string;
let planner: string;
const sockets: SseClient[] = [];

const APPLY = 'apply_ops';
const note = (key: string) => ({
  op: 'insert',
  root: 'notes',
  key,
  value: { id: key, text: `note ${key}`, column: 'todo' },
});

beforeAll(async () => {
  model = await startOpenAiCompatibleServer();
  gw = await GatewayProcess.start({
    args: ['--model-url', model.url],
    env: { EASEL_MODEL_NAME: 'scripted', EASEL_TURN_COMMIT_DELAY_MS: '1000' },
  });
  world = new TestWorld(gw.url, 'acme');
  admin = await gw.token({ tenant: 'acme', sub: 'ada', roles: ['admin'] });
  planner = await gw.token({ tenant: 'acme', sub: 'pat', roles: ['planner'] });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await gw?.dispose();
  await model?.close();
});

function latch() {
  let release!: () => void;
  const promise = new Promise<void>((r) => {
    release = r;
  });
  return { promise, release };
}

function query(scope: Record<string, string>): string {
  return new URLSearchParams(Object.entries(scope).filter(([k]) => k !== 'canvas_id')).toString();
}

async function stream(base: string, token: string, scope: Record<string, string>, lastEventId?: string) {
  const sse = new SseClient(`${base}/v1/canvases/${scope.canvas_id}/events?${query(scope)}`, {
    token,
    ...(lastEventId ? { lastEventId } : {}),
  });
  sockets.push(sse);
  await sse.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
  return sse;
}

async function canvas(w: TestWorld, project: string, id: string, token = admin) {
  const scope = w.scope(project, id);
  await w.commit(token, 'canvas.create', scope, { canvas_type: 'board' });
  return scope;
}

function ofTurn(sse: SseClient, turnId: string): SseFrame[] {
  return sse.frames.filter((f) => f.json?.turn_id === turnId);
}

function indexOf(frames: SseFrame[], type: string): number {
  return frames.findIndex((f) => f.event === type);
}

const END = (turnId: string) => (f: SseFrame) =>
  f.json?.turn_id === turnId && ['commit_succeeded', 'commit_failed', 'turn_cancelled'].includes(f.event);

describe('turns on a gateway whose model is an OpenAI-compatible server', () => {
  it('[CONTRACT 4] ACK first: the HTTP answer and turn_accepted arrive while the model is held; then tokens, turn_final, and one commit', async () => {
    const scope = await canvas(world, 'p1', 'ack');
    const sse = await stream(gw.url, admin, scope);
    const gate = latch();
    let released = false;
    model.setResponder(() => ({
      steps: [
        { wait: gate.promise },
        { content: 'Adding ' },
        { content: 'one note.' },
        { toolCall: { name: APPLY, arguments: { ops: [note('a1')] } } },
        { usage: { prompt_tokens: 30, completion_tokens: 3 } },
      ],
    }));
    const res = await world.command(admin, 'chat.send', scope, { text: 'add a note' });
    expect(released).toBe(false);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'committed', revision: 0, turn_id: expect.stringMatching(/^t_/) });
    const turnId: string = res.json.turn_id;
    const accepted = await sse.waitFor((f) => f.event === 'turn_accepted' && f.json.turn_id === turnId);
    expect(accepted.id).toBe(res.json.cursor);
    expect(ofTurn(sse, turnId).some((f) => f.event === 'chat_token')).toBe(false);
    released = true;
    gate.release();
    await sse.waitFor(END(turnId), 10_000, 'the turn outcome');
    const frames = ofTurn(sse, turnId);
    const types = frames.map((f) => f.event);
    expect(types[0]).toBe('turn_accepted');
    expect(indexOf(frames, 'chat_token')).toBeGreaterThan(0);
    expect(
      frames
        .filter((f) => f.event === 'chat_token')
        .map((f) => f.json.payload.text)
        .join(''),
    ).toBe('Adding one note.');
    expect(types.slice(types.lastIndexOf('chat_token') + 1)).toEqual([
      'turn_final',
      'state_patch',
      'canvas_commit',
      'commit_succeeded',
    ]);
    const final = frames.find((f) => f.event === 'turn_final')!;
    expect(final.json.payload).toMatchObject({ text: 'Adding one note.', proposed_ops: [note('a1')] });
    expect(frames.filter((f) => f.event === 'chat_token').every((f) => f.id === null && f.json.durable === false)).toBe(
      true,
    );
    const read = await api(gw.url, 'GET', `/v1/canvases/ack?${query(scope)}`, { token: admin });
    expect(read.json).toMatchObject({ revision: 1, state: { notes: { a1: { text: 'note a1' } } } });
    // The model saw the canvas and the apply_ops tool.
    const body = model.requests.at(-1)!;
    expect(body.model).toBe('scripted');
    expect(body.tools?.map((t) => t.function.name)).toContain(APPLY);
  });

  it('[CONTRACT 5] turn.cancel mid-stream stops the tokens at once (the model request is closed) and applies nothing', async () => {
    const scope = await canvas(world, 'p1', 'cancel');
    const sse = await stream(gw.url, admin, scope);
    const closedBefore = model.closedEarly;
    model.setResponder(() => ({
      steps: [
        ...Array.from({ length: 60 }, (_, i) => [{ content: `word${i} ` }, { delayMs: 40 }]).flat(),
        { toolCall: { name: APPLY, arguments: { ops: [note('never')] } } },
      ],
    }));
    const res = await world.command(admin, 'chat.send', scope, { text: 'talk for a while' });
    const turnId: string = res.json.turn_id;
    await sse.until(
      () => ofTurn(sse, turnId).filter((f) => f.event === 'chat_token').length >= 2,
      10_000,
      'two tokens',
    );
    const cancel = await world.command(admin, 'turn.cancel', scope, { turn_id: turnId });
    expect(cancel.status).toBe(200);
    expect(cancel.json).toMatchObject({ status: 'committed', turn_id: turnId });
    await sse.waitFor(END(turnId), 5000, 'turn_cancelled');
    await new Promise((r) => setTimeout(r, 300));
    const frames = ofTurn(sse, turnId);
    const at = indexOf(frames, 'turn_cancelled');
    expect(frames[at]!.json.payload).toMatchObject({ reason: 'cancelled' });
    expect(frames.slice(at + 1)).toEqual([]);
    expect(frames.map((f) => f.event)).not.toContain('turn_final');
    await sse.until(() => model.closedEarly > closedBefore, 5000, 'the model request to close');
    const read = await api(gw.url, 'GET', `/v1/canvases/cancel?${query(scope)}`, { token: admin });
    expect(read.json).toMatchObject({ revision: 0, state: { notes: {} } });
    const again = await world.command(admin, 'turn.cancel', scope, { turn_id: turnId });
    expect(again.status).toBe(409);
  });

  it('[CONTRACT 6] a finalize the lens refuses (planner may not write notes) ends commit_failed and applies nothing; invalid apply_ops fails with the path', async () => {
    const put = await api(gw.url, 'PUT', '/v1/projects/plens/lens', {
      token: admin,
      body: {
        roles: {
          admin: {
            tokens: { read: ['*'], write: ['*'] },
            state: { read: ['*'], write: ['*'] },
            sidecars: { see: true, resolve: true },
            commands: ['*'],
          },
          planner: {
            tokens: { read: ['plan.*'], write: ['plan.*'] },
            state: { read: ['*'], write: ['layout'] },
            sidecars: { see: false, resolve: false },
            commands: ['token.*', 'state.*', 'chat.send'],
          },
        },
        default_role: 'viewer',
      },
    });
    expect(put.status).toBe(200);
    const scope = await canvas(world, 'plens', 'lens');
    const sse = await stream(gw.url, admin, scope);
    model.setResponder(() => ({
      steps: [{ content: 'Sure.' }, { toolCall: { name: APPLY, arguments: { ops: [note('p1')] } } }],
    }));
    const res = await world.command(planner, 'chat.send', scope, { text: 'add a note' });
    expect(res.status).toBe(200);
    const turnId: string = res.json.turn_id;
    const end = await sse.waitFor(END(turnId), 10_000, 'the outcome');
    expect(end.event).toBe('commit_failed');
    expect(end.json.payload.error).toMatchObject({ code: 'forbidden', details: { root: 'notes' } });
    expect(ofTurn(sse, turnId).map((f) => f.event)).not.toContain('state_patch');

    model.setResponder(() => ({
      steps: [{ toolCall: { name: APPLY, arguments: { ops: [{ op: 'explode', root: 'notes' }] } } }],
    }));
    const bad = await world.command(admin, 'chat.send', scope, { text: 'break it' });
    const badEnd = await sse.waitFor(END(bad.json.turn_id), 10_000, 'the outcome');
    expect(badEnd.event).toBe('commit_failed');
    expect(badEnd.json.payload.error).toMatchObject({ code: 'validation_failed' });
    expect(badEnd.json.payload.error.message).toContain('ops[0]');
    const read = await api(gw.url, 'GET', `/v1/canvases/lens?${query(scope)}`, { token: admin });
    expect(read.json).toMatchObject({ revision: 0, state: { notes: {} } });
  });

  it('[CONTRACT 5] a repeated chat.send command_id answers duplicate with the same turn_id and starts no second turn', async () => {
    const scope = await canvas(world, 'p1', 'dup');
    const sse = await stream(gw.url, admin, scope);
    model.setResponder(() => ({ steps: [{ content: 'once' }] }));
    const requestsBefore = model.requests.length;
    const body = { command_id: 'chat-dup-1', type: 'chat.send', scope, payload: { text: 'only once' } };
    const first = await api(gw.url, 'POST', '/v1/commands', { token: admin, body });
    const second = await api(gw.url, 'POST', '/v1/commands', { token: admin, body });
    expect(first.json).toMatchObject({ status: 'committed' });
    expect(second.json).toMatchObject({ status: 'duplicate', turn_id: first.json.turn_id, cursor: first.json.cursor });
    await sse.waitFor(END(first.json.turn_id), 10_000, 'the outcome');
    await new Promise((r) => setTimeout(r, 200));
    expect(sse.frames.filter((f) => f.event === 'turn_accepted')).toHaveLength(1);
    expect(model.requests.length - requestsBefore).toBe(1);
  });
});

describe('kill -9 between preview and commit', () => {
  it('[CONTRACT 5] a client command sent under turn:<turn_id> (the key earlier versions used for the commit) does not suppress the commit', async () => {
    const scope = await canvas(world, 'p1', 'claimed');
    const sse = await stream(gw.url, admin, scope);
    const gate = latch();
    model.setResponder(() => ({
      steps: [
        { wait: gate.promise },
        { content: 'One note.' },
        { toolCall: { name: APPLY, arguments: { ops: [note('c1')] } } },
        { usage: { prompt_tokens: 10, completion_tokens: 2 } },
      ],
    }));
    const res = await world.command(admin, 'chat.send', scope, { text: 'add a note' });
    expect(res.status).toBe(200);
    const turnId: string = res.json.turn_id;
    const claim = await world.command(
      admin,
      'canvas.commit',
      scope,
      { message: 'taken first' },
      { command_id: `turn:${turnId}` },
    );
    expect(claim.status, claim.text).toBe(200);
    expect(claim.json.status).toBe('committed');
    gate.release();
    const end = await sse.waitFor(END(turnId), 10_000, 'the turn outcome');
    expect(end.event).toBe('commit_succeeded');
    expect(end.json.causation_id).toBe(`turn:${turnId}`);
    const read = await api(gw.url, 'GET', `/v1/canvases/claimed?${query(scope)}`, { token: admin });
    expect(read.json).toMatchObject({ revision: 1, state: { notes: { c1: { text: 'note c1' } } } });
  });

  it('[CONTRACT 4] after a restart the interrupted turn ends turn_cancelled (interrupted), nothing of it applied; replay from cursor 0 shows the final texts and outcomes', async () => {
    const scope = await canvas(world, 'p1', 'crash');
    const sse = await stream(gw.url, admin, scope);
    model.setResponder((body) => {
      const text = String(body.messages?.at(-1)?.content ?? '');
      const key = text.includes('launch') ? 'launch' : 'crash';
      return {
        steps: [
          { content: `Adding a note about ${key}.` },
          { toolCall: { name: APPLY, arguments: { ops: [note(key)] } } },
        ],
      };
    });
    const done = await world.command(admin, 'chat.send', scope, { text: 'add a note about launch' });
    const doneId: string = done.json.turn_id;
    await sse.waitFor(END(doneId), 15_000, 'the first commit');
    const cut = await world.command(admin, 'chat.send', scope, { text: 'add a note about crashes' });
    const cutId: string = cut.json.turn_id;
    // The gateway waits EASEL_TURN_COMMIT_DELAY_MS between turn_final and the commit: kill it there.
    await sse.waitFor((f) => f.event === 'turn_final' && f.json.turn_id === cutId, 15_000, 'turn_final');
    await gw.kill9();
    sse.close();
    await gw.restart();
    world = new TestWorld(gw.url, 'acme');

    const epoch = done.json.cursor.split('-')[0];
    const replay = await stream(gw.url, admin, scope, `${epoch}-0`);
    await replay.waitFor(END(cutId), 10_000, 'the recovered outcome');
    const durable = replay.durable().map((f) => `${f.event}:${f.json.turn_id ?? ''}`);
    expect(durable).toEqual([
      'canvas_created:',
      `turn_accepted:${doneId}`,
      `turn_final:${doneId}`,
      `state_patch:${doneId}`,
      `canvas_commit:${doneId}`,
      `commit_succeeded:${doneId}`,
      `turn_accepted:${cutId}`,
      `turn_final:${cutId}`,
      `turn_cancelled:${cutId}`,
    ]);
    const finals = replay.frames.filter((f) => f.event === 'turn_final');
    expect(finals.map((f) => f.json.payload.text)).toEqual([
      'Adding a note about launch.',
      'Adding a note about crash.',
    ]);
    expect(finals[1]!.json.payload.proposed_ops).toEqual([note('crash')]);
    expect(replay.frames.find(END(cutId))!.json.payload).toMatchObject({ reason: 'interrupted' });
    expect(replay.frames.find(END(doneId))!.json.payload).toMatchObject({ revision: 1 });
    const read = await api(gw.url, 'GET', `/v1/canvases/crash?${query(scope)}`, { token: admin });
    expect(read.json.revision).toBe(1);
    expect(Object.keys(read.json.state.notes)).toEqual(['launch']);
  });
});
