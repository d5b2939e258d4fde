import type { LensPolicy } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../core/bus/EventBus.ts';
import { ADMIN, command, EDITOR, PLANNER, scopeOf } from '../../core/testing/coreHarness.ts';
import type { LocalModelOptions } from '../models/LocalModel.ts';
import { ModelPool } from '../models/ModelPool.ts';
import { OpenAiChatModel } from '../models/OpenAiChatModel.ts';
import { turnsHarnessPerTest } from './testing/turnsHarness.ts';

const turns = turnsHarnessPerTest();
const h = turns.h;

function start(local: LocalModelOptions = { tokenDelayMs: 1 }, extra: { model?: string; pool?: ModelPool } = {}) {
  return turns.start(local, extra);
}

async function create(canvasId = 'c1') {
  const r = await h.core.submit(ADMIN, command('canvas.create', scopeOf(canvasId), { canvas_type: 'board' }));
  if (!r.ok) throw new Error(r.error.message);
}

async function send(text: string, principal = EDITOR) {
  const r = await h.core.submit(principal, command('chat.send', scopeOf('c1'), { text }));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.turn_id!;
}

function turnEvents(turnId: string): Array<{ type: string; durable: boolean; payload: Record<string, unknown> }> {
  return h.events
    .map((e: BusEvent) => JSON.parse(e.envelope))
    .filter((e) => e.turn_id === turnId || e.payload?.turn_id === turnId);
}

const ENDS = new Set(['commit_succeeded', 'commit_failed', 'turn_cancelled']);

async function ended(turnId: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const end = turnEvents(turnId).find((e) => ENDS.has(e.type));
    if (end) return end.type;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`turn ${turnId} did not end`);
}

async function notes(): Promise<Record<string, unknown>> {
  const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
  if (!read.ok) throw new Error(read.error.message);
  return read.value.state.notes as Record<string, unknown>;
}

describe('InteractionManager: interactive turns (issue 6)', () => {
  it('[CONTRACT 4] a turn streams accepted → model_status → chat_token… → turn_final (preview) → state_patch + canvas_commit + commit_succeeded', async () => {
    await start();
    await create();
    const turnId = await send('add three notes about onboarding');
    expect(await ended(turnId)).toBe('commit_succeeded');
    const events = turnEvents(turnId);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('turn_accepted');
    expect(events.filter((e) => e.type === 'model_status').map((e) => e.payload.status)).toEqual([
      'selected',
      'loading',
      'ready',
    ]);
    const tokens = events.filter((e) => e.type === 'chat_token');
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.every((t) => t.durable === false)).toBe(true);
    expect(tokens.map((t) => t.payload.index)).toEqual(tokens.map((_, i) => i));
    const final = events.find((e) => e.type === 'turn_final')!;
    expect(final.payload.text).toBe(tokens.map((t) => t.payload.text).join(''));
    expect(final.payload.proposed_ops).toHaveLength(3);
    expect(types.slice(-3)).toEqual(['state_patch', 'canvas_commit', 'commit_succeeded']);
    expect(types.lastIndexOf('chat_token')).toBeLessThan(types.indexOf('turn_final'));
    expect(Object.values(await notes())).toHaveLength(3);
    // The sender's session remembers the exchange; the next turn is served warm.
    const next = await send('how many notes?');
    expect(await ended(next)).toBe('commit_succeeded');
    expect(
      turnEvents(next)
        .filter((e) => e.type === 'model_status')
        .map((e) => e.payload.status),
    ).toEqual(['selected', 'ready']);
  });

  it('[CONTRACT 4] ACK first: chat.send answers and turn_accepted is published while the model is held; no token before it', async () => {
    let release!: () => void;
    const latch = new Promise<void>((r) => {
      release = r;
    });
    await start({ tokenDelayMs: 0, beforeFirstChunk: () => latch });
    await create();
    const turnId = await send('add a note about ack');
    const held = turnEvents(turnId);
    expect(held[0]?.type).toBe('turn_accepted');
    expect(held.some((e) => e.type === 'chat_token')).toBe(false);
    release();
    expect(await ended(turnId)).toBe('commit_succeeded');
  });

  it('[CONTRACT 5] turn.cancel mid-stream stops tokens at once and applies nothing', async () => {
    await start({ tokenDelayMs: 25 });
    await create();
    const turnId = await send('add twelve notes about a long and winding topic with many words');
    const until = Date.now() + 5000;
    while (turnEvents(turnId).filter((e) => e.type === 'chat_token').length < 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const cancel = await h.core.submit(EDITOR, command('turn.cancel', scopeOf('c1'), { turn_id: turnId }));
    expect(cancel.ok).toBe(true);
    const tokensAtCancel = turnEvents(turnId).filter((e) => e.type === 'chat_token').length;
    await new Promise((r) => setTimeout(r, 150));
    const events = turnEvents(turnId);
    expect(events.filter((e) => e.type === 'chat_token').length).toBe(tokensAtCancel);
    expect(events.map((e) => e.type)).not.toContain('turn_final');
    expect(events.filter((e) => ENDS.has(e.type)).map((e) => e.type)).toEqual(['turn_cancelled']);
    expect(await notes()).toEqual({});
  });

  it('[CONTRACT 6] a finalize the lens refuses (planner may not write notes) ends commit_failed and applies nothing', async () => {
    const policy: LensPolicy = {
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
          // state.ops granted: the root lens (not the command lens, turnCommitLens.test.ts) refuses.
          commands: ['chat.send', 'turn.cancel', 'state.ops'],
        },
      },
      default_role: 'viewer',
    };
    await start();
    await create();
    await h.core.putLensPolicy(ADMIN, 'p1', policy);
    const turnId = await send('add three notes about secrets', PLANNER);
    expect(await ended(turnId)).toBe('commit_failed');
    const events = turnEvents(turnId);
    expect(events.map((e) => e.type)).toContain('turn_final');
    const failed = events.find((e) => e.type === 'commit_failed')!;
    expect(failed.payload.error).toMatchObject({ code: 'forbidden', details: { root: 'notes' } });
    expect(events.map((e) => e.type)).not.toContain('state_patch');
    expect(await notes()).toEqual({});
  });

  it('[ISSUE 6] a model that fails ends the turn turn_cancelled (model_failed) with nothing applied', async () => {
    const pool = new ModelPool();
    pool.register('down', () => new OpenAiChatModel({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', name: 'down' }));
    await start({}, { pool });
    await create();
    const turnId = await send('add a note');
    expect(await ended(turnId)).toBe('turn_cancelled');
    const end = turnEvents(turnId).find((e) => e.type === 'turn_cancelled')!;
    expect(end.payload).toMatchObject({ reason: 'model_failed', error: { code: 'unavailable' } });
    expect(await notes()).toEqual({});
  });

  it('[RECOVERY] a turn left open by a stopped gateway ends turn_cancelled (interrupted) at the next start; ended turns are left alone', async () => {
    await create();
    // No manager: the turns are accepted but nothing serves them (as after kill -9).
    const open = await send('add a note about crashes');
    const done = await send('add a note about endings');
    await h.core.appendTurnEvents({ scope: scopeOf('c1'), turnId: done }, { id: 'agent:x', kind: 'agent' }, [
      { type: 'commit_failed', payload: { turn_id: done, error: { code: 'forbidden', message: 'no' } } },
    ]);
    await h.reopen();
    const m = await start();
    expect(m.stats.recovered).toBe(1);
    const all = await h.spine.read('acme/p1', 0, { limit: 1000 });
    const cancels = all.filter((e) => e.type === 'turn_cancelled').map((e) => JSON.parse(e.envelope));
    expect(cancels).toHaveLength(1);
    expect(cancels[0]).toMatchObject({ turn_id: open, payload: { turn_id: open, reason: 'interrupted' } });
    expect(await notes()).toEqual({});
    // A second start finds nothing left to recover.
    await m.close();
    await h.reopen();
    expect((await start()).stats.recovered).toBe(0);
  });
});
