import { describe, expect, it } from 'vitest';
import { FakeFetch } from '../testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from '../testing/ManualTimers.ts';
import { TEST_SCOPE, cursorOf, frame, readyFrame } from '../testing/frames.ts';
import { EaselAgent } from './EaselAgent.ts';
import { chatToken, commitSucceeded, turnAccepted, turnFinal } from './testing/turnFrames.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (kind: string) => `${b64url({ alg: 'HS256' })}.${b64url({ sub: 'bot', kind })}.sig`;

function options(fake: FakeFetch, timers: ManualTimers, token = jwt('agent')) {
  return {
    baseUrl: 'http://gw.test',
    token,
    scope: TEST_SCOPE,
    name: 'Bot',
    validate: mode.current,
    presence: false,
    fetch: fake.fetch,
    timers,
    now: timers.now,
    random: seededRandom(2),
  };
}

const mode = forEachValidationMode(() => {
  describe('EaselAgent', () => {
    it('[CONTRACT 2] refuses a token whose kind is not agent, before connecting', async () => {
      const fake = new FakeFetch();
      const joined = await EaselAgent.join(options(fake, new ManualTimers(), jwt('human')));
      expect(joined).toMatchObject({ ok: false, error: { code: 'not_an_agent' } });
      expect(fake.requests).toHaveLength(0);
    });

    it('[CONTRACT 6] a refused canvas stream fails join with the code and closes everything', async () => {
      const fake = new FakeFetch();
      const joining = EaselAgent.join(options(fake, new ManualTimers()));
      (await fake.next()).respondJson(403, { error: { code: 'forbidden', message: 'no', request_id: 'r' } });
      expect(await joining).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    });

    it('[CONTRACT 5] join waits for the canvas; say streams a turn; propose applies ops, commits and reads its write', async () => {
      const fake = new FakeFetch();
      const timers = new ManualTimers();
      const joining = EaselAgent.join(options(fake, timers));
      const stream = (await fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(1), revision: 1 }));
      const joined = await joining;
      if (!joined.ok) throw new Error(joined.error.message);
      const agent = joined.value;
      expect(agent.transport.status).toBe('open');

      const saying = agent.say('hello');
      const chat = await fake.next();
      expect(JSON.parse(chat.body ?? '{}')).toMatchObject({ type: 'chat.send', payload: { text: 'hello' } });
      chat.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 1, turn_id: 'tt' });
      const said = await saying;
      if (!said.ok) throw new Error(said.error.message);
      for (const f of [
        turnAccepted('tt', cursorOf(2)),
        chatToken('tt', 0, 'Hi'),
        turnFinal('tt', 'Hi.', cursorOf(3)),
        commitSucceeded('tt', 1, cursorOf(4)),
      ])
        stream.push(f.text);
      expect(await said.value.outcome).toEqual({ status: 'committed', revision: 1 });
      expect(said.value.text).toBe('Hi.');

      const ops = [{ op: 'insert' as const, root: 'notes', key: 'n1', value: { text: 'x' } }];
      const proposing = agent.propose(ops, 'add a note', { expectedRevision: 1 });
      const applied = await fake.next();
      expect(JSON.parse(applied.body ?? '{}')).toMatchObject({
        type: 'state.ops',
        payload: { ops },
        expected_revision: 1,
      });
      applied.respondJson(200, { status: 'committed', cursor: cursorOf(5), revision: 2 });
      await settle();
      const commit = await fake.next();
      expect(JSON.parse(commit.body ?? '{}')).toMatchObject({
        type: 'canvas.commit',
        payload: { message: 'add a note' },
      });
      commit.respondJson(200, { status: 'committed', cursor: cursorOf(6), revision: 2 });
      await settle();
      let done = false;
      void proposing.then(() => {
        done = true;
      });
      await settle();
      expect(done).toBe(false); // waits for the mirror to show the commit
      stream.push(
        frame('canvas_commit', { revision: 2, commit_id: 'k1', message: 'add a note', kind: 'commit' }, cursorOf(6)),
      );
      expect(await proposing).toEqual({
        ok: true,
        value: { revision: 2, cursor: cursorOf(6), opsCursor: cursorOf(5) },
      });

      agent.leave();
      expect(agent.transport.status).toBe('closed');
    });

    it('[CONTRACT 5] a refused commit after applied ops says the ops were applied', async () => {
      const fake = new FakeFetch();
      const timers = new ManualTimers();
      const joining = EaselAgent.join(options(fake, timers));
      (await fake.next()).respondStream().push(readyFrame({ cursor: cursorOf(1), revision: 1 }));
      const joined = await joining;
      if (!joined.ok) throw new Error(joined.error.message);
      const proposing = joined.value.propose([{ op: 'delete', root: 'notes', key: 'n1' }], 'tidy');
      (await fake.next()).respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 2 });
      (await fake.next()).respondJson(403, { error: { code: 'forbidden', message: 'no commits', request_id: 'r' } });
      expect(await proposing).toMatchObject({
        ok: false,
        error: { code: 'forbidden', details: { applied: true, revision: 2 } },
      });
      joined.value.leave();
    });
  });
});
