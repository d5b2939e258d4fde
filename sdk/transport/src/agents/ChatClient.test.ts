import { describe, expect, it } from 'vitest';
import type { FakeRequest } from '../testing/FakeFetch.ts';
import { settle } from '../testing/ManualTimers.ts';
import { TEST_SCOPE, cursorOf, readyFrame } from '../testing/frames.ts';
import { nextRequest } from '../testing/nextRequest.ts';
import { openStream } from '../testing/openStream.ts';
import { testTransport } from '../testing/testTransport.ts';
import {
  chatToken,
  commitFailed,
  commitSucceeded,
  modelStatus,
  turnAccepted,
  turnCancelled,
  turnFinal,
} from './testing/turnFrames.ts';
import type { Turn } from './Turn.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

/** A transport on a scripted gateway: its canvas stream, and POSTs the test answers. */
async function setup() {
  const { timers, fake, transport } = testTransport({ validate: mode.current });
  let { stream } = await openStream({ transport, fake });
  stream.push(readyFrame({ cursor: cursorOf(1), revision: 1 }));
  await settle();
  const turns: Turn[] = [];
  transport.onTurn((t) => turns.push(t));
  return {
    timers,
    fake,
    transport,
    turns,
    get stream() {
      return stream;
    },
    push: async (...texts: Array<string | { text: string }>) => {
      for (const text of texts) stream.push(typeof text === 'string' ? text : text.text);
      await settle();
    },
    /** Breaks the stream and answers the reconnect; returns the reconnect request. */
    async reconnect(): Promise<FakeRequest> {
      stream.error('socket hang up');
      await settle();
      const again = await nextRequest(timers, fake, { stepMs: 100 });
      stream = again.respondStream();
      await settle();
      return again;
    },
  };
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const delta of iterable) out.push(delta);
  return out;
}

const outcome = (turnId: string, cursor: string, revision = 1) => ({
  status: 'committed',
  cursor,
  revision,
  turn_id: turnId,
});

const mode = forEachValidationMode(() => {
  describe('transport.chat', () => {
    it('[CONTRACT 5] chat.send answers with the turn; tokens stream in index order, then the final text and the commit', async () => {
      const t = await setup();
      const sending = t.transport.chat.send('add three notes about launch');
      const post = await t.fake.next();
      const body = JSON.parse(post.body ?? '{}');
      expect(body).toMatchObject({
        type: 'chat.send',
        scope: TEST_SCOPE,
        payload: { text: 'add three notes about launch' },
      });
      post.respondJson(200, outcome('turn-1', cursorOf(2)));
      const sent = await sending;
      if (!sent.ok) throw new Error(sent.error.message);
      const turn = sent.value;
      expect(turn.id).toBe('turn-1');
      expect(turn.view.own).toBe(true);
      const deltas = collect(turn.tokens);
      await t.push(
        turnAccepted('turn-1', cursorOf(2), { text: 'add three notes about launch', causationId: body.command_id })
          .text,
        modelStatus('turn-1', 'ready').text,
        chatToken('turn-1', 0, 'Adding ').text,
        chatToken('turn-1', 1, 'three ').text,
        chatToken('turn-1', 2, 'notes.').text,
      );
      expect(turn.status).toBe('streaming');
      expect(turn.text).toBe('Adding three notes.');
      expect(turn.view.model).toEqual({ name: 'local', status: 'ready' });
      expect(turn.view.prompt).toBe('add three notes about launch');
      await t.push(turnFinal('turn-1', 'Adding three notes.', cursorOf(3)).text);
      expect(await turn.final).toBe('Adding three notes.');
      expect(turn.status).toBe('final');
      await t.push(commitSucceeded('turn-1', 2, cursorOf(4)).text);
      expect(await turn.outcome).toEqual({ status: 'committed', revision: 2 });
      expect(await deltas).toEqual(['Adding ', 'three ', 'notes.']);
      // A late iterator still gets every delta.
      expect((await collect(turn.tokens)).join('')).toBe('Adding three notes.');
      expect(t.turns).toEqual([turn]);
      t.transport.close();
    });

    it('[CONTRACT 4] events that arrive before the command answer belong to the same turn', async () => {
      const t = await setup();
      const sending = t.transport.chat.send('hello');
      const post = await t.fake.next();
      await t.push(turnAccepted('turn-2', cursorOf(2)).text, chatToken('turn-2', 0, 'Hi').text);
      expect(t.turns.map((x) => x.id)).toEqual(['turn-2']);
      expect(t.turns[0]!.view.own).toBe(false);
      post.respondJson(200, outcome('turn-2', cursorOf(2)));
      const sent = await sending;
      expect(sent.ok && sent.value).toBe(t.turns[0]);
      expect(t.turns[0]!.view.own).toBe(true);
      expect(t.turns[0]!.text).toBe('Hi');
      t.transport.close();
    });

    it('[CONTRACT 4] a replay after a reconnect does not double tokens (deduplicated by event_id and index)', async () => {
      const t = await setup();
      const accepted = turnAccepted('turn-3', cursorOf(2));
      const first = chatToken('turn-3', 0, 'one ');
      const second = chatToken('turn-3', 1, 'two ');
      await t.push(accepted.text, first.text, second.text, first.text); // the same frame twice
      const turn = t.turns[0]!;
      expect(turn.text).toBe('one two ');
      const again = await t.reconnect();
      expect(again.headers['last-event-id']).toBe(cursorOf(2));
      // The gateway replays the durable event (skipped by cursor) and telemetry it still held.
      await t.push(
        readyFrame({ cursor: cursorOf(2), revision: 1, snapshot: null }),
        accepted.text,
        first.text,
        second.text,
        chatToken('turn-3', 1, 'two ').text, // same index, new event id
        chatToken('turn-3', 2, 'three').text,
        turnFinal('turn-3', 'one two three', cursorOf(3)).text,
      );
      expect(turn.text).toBe('one two three');
      expect(await collect(turn.tokens)).toEqual(['one ', 'two ', 'three']);
      t.transport.close();
    });

    it('[CONTRACT 5] cancel() sends turn.cancel; turn_cancelled ends the tokens and resolves the outcome', async () => {
      const t = await setup();
      await t.push(turnAccepted('turn-4', cursorOf(2)).text, chatToken('turn-4', 0, 'partial').text);
      const turn = t.turns[0]!;
      const cancelling = turn.cancel();
      const post = await t.fake.next();
      expect(JSON.parse(post.body ?? '{}')).toMatchObject({ type: 'turn.cancel', payload: { turn_id: 'turn-4' } });
      post.respondJson(200, { status: 'committed', cursor: cursorOf(3), revision: 1 });
      expect((await cancelling).ok).toBe(true);
      await t.push(turnCancelled('turn-4', 'cancelled by user', cursorOf(3)).text, chatToken('turn-4', 1, 'late').text);
      expect(await turn.outcome).toEqual({ status: 'cancelled', reason: 'cancelled by user' });
      expect(await turn.final).toBe('partial');
      expect(await collect(turn.tokens)).toEqual(['partial']);
      expect(turn.status).toBe('cancelled');
      t.transport.close();
    });

    it('[CONTRACT 4] commit_failed resolves the outcome with the reason; nothing is committed', async () => {
      const t = await setup();
      await t.push(
        turnAccepted('turn-5', cursorOf(2)).text,
        turnFinal('turn-5', 'Renaming.', cursorOf(3)).text,
        commitFailed('turn-5', 'forbidden', 'your roles may not write layout', cursorOf(4)).text,
      );
      const turn = t.turns[0]!;
      expect(await turn.outcome).toEqual({
        status: 'failed',
        error: { code: 'forbidden', message: 'your roles may not write layout' },
      });
      // The deltas add up to the final text even when no token was seen.
      expect(await collect(turn.tokens)).toEqual(['Renaming.']);
      t.transport.close();
    });

    it('[CONTRACT 4] onTurn reports turns started by other actors, once each', async () => {
      const t = await setup();
      const human = { id: 'ann', kind: 'human' as const };
      await t.push(
        turnAccepted('turn-6', cursorOf(2), { actor: human, text: 'draw' }).text,
        turnAccepted('turn-7', cursorOf(3)).text,
        chatToken('turn-6', 0, 'x').text,
      );
      expect(t.turns.map((x) => [x.id, x.view.actor?.id ?? null, x.view.own])).toEqual([
        ['turn-6', 'ann', false],
        ['turn-7', 'someone', false],
      ]);
      expect(t.transport.chat.get('turn-6')?.text).toBe('x');
      t.transport.close();
    });

    it('[CONTRACT 5] an outcome without turn_id is matched to its turn_accepted by causation_id', async () => {
      const t = await setup();
      const sending = t.transport.chat.send('hi');
      const post = await t.fake.next();
      const commandId = JSON.parse(post.body ?? '{}').command_id as string;
      post.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 1 });
      await settle();
      await t.push(turnAccepted('turn-8', cursorOf(2), { causationId: commandId }).text);
      const sent = await sending;
      expect(sent.ok && sent.value.id).toBe('turn-8');
      t.transport.close();
    });

    it('[CONTRACT 3] a refused chat.send is a coded value', async () => {
      const t = await setup();
      const sending = t.transport.chat.send('hi');
      (await t.fake.next()).respondJson(403, {
        error: { code: 'forbidden', message: 'viewers may not chat', request_id: 'r1' },
      });
      expect(await sending).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
      expect(t.turns).toEqual([]);
      t.transport.close();
    });

    it('close() ends turns without an outcome as failed: closed', async () => {
      const t = await setup();
      await t.push(turnAccepted('turn-9', cursorOf(2)).text, chatToken('turn-9', 0, 'so far').text);
      const turn = t.turns[0]!;
      t.transport.close();
      expect(await turn.outcome).toMatchObject({ status: 'failed', error: { code: 'closed' } });
      expect(await turn.final).toBe('so far');
    });

    it('keeps at most maxTurns turns, dropping finished ones first', async () => {
      const t = await setup();
      for (let i = 0; i < 105; i++) {
        await t.push(turnAccepted(`t${i}`, cursorOf(2 + 2 * i)).text);
        if (i % 2 === 0) await t.push(turnCancelled(`t${i}`, 'x', cursorOf(3 + 2 * i)).text);
      }
      const kept = t.transport.chat.turns();
      expect(kept).toHaveLength(100);
      expect(kept.every((turn) => turn.status !== 'cancelled' || Number(turn.id.slice(1)) >= 10)).toBe(true);
      expect(t.transport.chat.get('t1')?.status).toBe('accepted');
      t.transport.close();
    });
  });
});
