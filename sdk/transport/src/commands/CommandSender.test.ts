import { describe, expect, it } from 'vitest';
import type { Deps } from '../lib/deps.ts';
import { ULID_PATTERN } from '../lib/ulid.ts';
import { FakeFetch, type FakeRequest } from '../testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from '../testing/ManualTimers.ts';
import { TEST_SCOPE, cursorOf } from '../testing/frames.ts';
import type { WhenOnline } from '../lib/requestJson.ts';
import { CommandSender } from './CommandSender.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

function setup(token: string | (() => string) = 'tok', whenOnline?: WhenOnline, requestTimeoutMs?: number) {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const deps: Deps = {
    validate: mode.current,
    fetch: fake.fetch,
    timers,
    random: seededRandom(3),
    now: timers.now,
    logger: {},
  };
  const sender = new CommandSender({
    deps,
    baseUrl: 'http://gw.test',
    token,
    scope: () => TEST_SCOPE,
    maxAttempts: 5,
    whenOnline,
    requestTimeoutMs,
  });
  return { timers, fake, sender };
}

const committed = (revision: number, seq: number) => ({ status: 'committed', cursor: cursorOf(seq), revision });
const body = (r: FakeRequest) => JSON.parse(r.body ?? 'null');

/** Answers requests as they come, advancing fake time so backoff waits elapse. */
async function answer(fake: FakeFetch, timers: ManualTimers, handlers: Array<(r: FakeRequest) => void>) {
  const seen: FakeRequest[] = [];
  for (const handle of handlers) {
    let request: FakeRequest | undefined;
    for (let i = 0; i < 200 && request === undefined; i++) {
      if (fake.untaken > 0) request = await fake.next();
      else await timers.advance(100);
    }
    if (!request) throw new Error('the sender did not retry');
    seen.push(request);
    handle(request);
    await settle();
  }
  return seen;
}

const mode = forEachValidationMode(() => {
  describe('CommandSender', () => {
    it('[CONTRACT 5] posts {command_id, type, scope, payload, expected_revision} and returns the outcome', async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.send('token.set', { token_id: 'plan.title', value: 'x' }, { expectedRevision: 4 });
      const [request] = await answer(fake, timers, [(r) => r.respondJson(200, committed(5, 9))]);
      const sent = body(request!);
      expect(request!.url).toBe('http://gw.test/v1/commands');
      expect(request!.method).toBe('POST');
      expect(request!.headers.authorization).toBe('Bearer tok');
      expect(sent).toMatchObject({
        type: 'token.set',
        scope: TEST_SCOPE,
        payload: { token_id: 'plan.title', value: 'x' },
      });
      expect(sent.expected_revision).toBe(4);
      expect(sent.command_id).toMatch(ULID_PATTERN);
      const result = await pending;
      expect(result).toEqual({ ok: true, value: { ...committed(5, 9), commandId: sent.command_id } });
    });

    it('[CONTRACT 5] retries network errors, 503 and 429 under the same command_id', async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.send('state.ops', { ops: [] }, { commandId: 'my-command-1' });
      const requests = await answer(fake, timers, [
        (r) => r.failNetwork(),
        (r) => r.respondJson(503, { error: { code: 'unavailable', message: 'starting', request_id: 'a' } }),
        (r) =>
          r.respondJson(
            429,
            { error: { code: 'rate_limited', message: 'slow down', request_id: 'b' } },
            { 'retry-after': '2' },
          ),
        (r) => r.respondJson(200, { status: 'duplicate', cursor: cursorOf(3), revision: 2 }),
      ]);
      expect(requests.map((r) => body(r).command_id)).toEqual(Array(4).fill('my-command-1'));
      const result = await pending;
      expect(result.ok && result.value.status).toBe('duplicate');
    });

    it('does not retry a 4xx refusal, and reports its contract code', async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.send('token.set', { token_id: 'style.color', value: 'red' });
      await answer(fake, timers, [
        (r) =>
          r.respondJson(409, {
            error: {
              code: 'conflict',
              message: 'expected revision 3, canvas is at 4',
              details: { revision: 4 },
              request_id: 'z',
            },
          }),
      ]);
      const result = await pending;
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'conflict',
          message: 'expected revision 3, canvas is at 4',
          status: 409,
          details: { revision: 4 },
          requestId: 'z',
        },
      });
      await timers.advance(60_000);
      expect(fake.requests).toHaveLength(1);
    });

    it("gives up with 'network' after maxAttempts", async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.send('canvas.commit', { message: 'm' });
      await answer(
        fake,
        timers,
        Array(5).fill((r: FakeRequest) => r.failNetwork('connect ECONNREFUSED')),
      );
      const result = await pending;
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('network');
      expect(fake.requests).toHaveLength(5);
    });

    it('a 401 is retried once with a re-acquired token', async () => {
      let n = 0;
      const { fake, sender, timers } = setup(() => `tok-${++n}`);
      const pending = sender.send('canvas.commit', { message: 'm' });
      const requests = await answer(fake, timers, [
        (r) => r.respondJson(401, { error: { code: 'unauthenticated', message: 'expired', request_id: 'q' } }),
        (r) => r.respondJson(200, committed(1, 2)),
      ]);
      expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
      expect((await pending).ok).toBe(true);
    });

    it('a malformed 200 answer is a protocol error, not a crash', async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.send('canvas.commit', { message: 'm' });
      await answer(fake, timers, [(r) => r.respondJson(200, { hello: 'world' })]);
      const result = await pending;
      expect(!result.ok && result.error.code).toBe('protocol');
    });

    it('[CONTRACT 5] batch sends every command with its own id and returns outcomes in order', async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.batch([
        { type: 'token.set', payload: { token_id: 'plan.title', value: 'a' } },
        { type: 'token.set', payload: { token_id: 'style.color', value: 'nope' }, commandId: 'fixed-id' },
      ]);
      const [request] = await answer(fake, timers, [
        (r) =>
          r.respondJson(200, {
            outcomes: [
              committed(1, 2),
              { status: 'rejected', error: { code: 'validation_failed', message: 'bad color' } },
            ],
          }),
      ]);
      const sent = body(request!);
      expect(request!.url).toBe('http://gw.test/v1/commands:batch');
      expect(sent.commands).toHaveLength(2);
      expect(sent.commands[1].command_id).toBe('fixed-id');
      const result = await pending;
      expect(result.ok && result.value.map((o) => o.status)).toEqual(['committed', 'rejected']);
      expect(result.ok && result.value[1]!.commandId).toBe('fixed-id');
    });

    it('close() ends a command waiting to retry with closed', async () => {
      const { fake, sender, timers } = setup();
      const pending = sender.send('canvas.commit', { message: 'm' });
      await answer(fake, timers, [(r) => r.failNetwork()]);
      sender.close();
      const result = await pending;
      expect(!result.ok && result.error.code).toBe('closed');
    });

    describe('while the gateway is unreachable (whenOnline)', () => {
      /** A link that is offline until `reconnect()`: `whenOnline` registers a waiter while offline. */
      function link() {
        let offline = true;
        const waiters = new Set<() => void>();
        let waits = 0;
        const wakeAll = () => {
          for (const wake of [...waiters]) wake();
        };
        return {
          whenOnline: ((wake) => {
            if (!offline) return null;
            waits++;
            const entry = () => wake();
            waiters.add(entry);
            return () => waiters.delete(entry);
          }) satisfies WhenOnline,
          reconnect: () => {
            offline = false;
            wakeAll();
          },
          /** A reconnect that drops again before the next attempt (a flapping link). */
          flap: wakeAll,
          get waits() {
            return waits;
          },
          /** Waiters registered and not yet removed. */
          get live() {
            return waiters.size;
          },
        };
      }

      it('[CONTRACT 5] attempts without an answer while offline are not counted: the command lands after the outage', async () => {
        const net = link();
        const { fake, sender, timers } = setup('tok', net.whenOnline);
        const pending = sender.send('token.set', { token_id: 'plan.title', value: 'x' }, { commandId: 'c-offline' });
        // Twelve failed attempts, well over maxAttempts = 5: each waits for the link, which drops again.
        const failures = Array.from({ length: 12 }, () => (r: FakeRequest) => {
          r.failNetwork();
          queueMicrotask(() => net.flap());
        });
        await answer(fake, timers, failures);
        net.reconnect();
        const requests = await answer(fake, timers, [(r) => r.respondJson(200, committed(2, 7))]);
        const result = await pending;
        expect(result.ok).toBe(true);
        expect(net.waits).toBe(12);
        expect(body(requests[0]!).command_id).toBe('c-offline');
      });

      it('[CONTRACT 5] a link that never comes back: the command waits for it until one request timeout after it was sent, then its attempts count and it ends with network, one command_id', async () => {
        const net = link();
        const { fake, sender, timers } = setup('tok', net.whenOnline);
        const start = timers.now();
        let result: Awaited<ReturnType<typeof sender.send>> | undefined;
        let endedAt = 0;
        void sender.send('token.set', { token_id: 'plan.title', value: 'x' }, { commandId: 'c-down' }).then((r) => {
          result = r;
          endedAt = timers.now();
        });
        const [first] = await answer(fake, timers, [(r) => r.failNetwork()]);
        // Waiting for the link (the default request timeout, 30 s): no attempt meanwhile.
        await timers.advance(29_000);
        expect(fake.untaken).toBe(0);
        expect(result).toBeUndefined();
        await timers.advance(1_000);
        const rest = await answer(
          fake,
          timers,
          Array.from({ length: 4 }, () => (r: FakeRequest) => r.failNetwork()),
        );
        await settle();
        expect(result).toMatchObject({ ok: false, error: { code: 'network' } });
        // Bounded: the link wait, then the backoff of the counted attempts (tiers up to 5 s).
        expect(endedAt - start).toBeGreaterThanOrEqual(30_000);
        expect(endedAt - start).toBeLessThanOrEqual(30_000 + 250 + 1_000 + 2_000 + 5_000 + 1_000);
        expect([first!, ...rest].map((r) => body(r).command_id)).toEqual(Array(5).fill('c-down'));
        expect(fake.untaken).toBe(0);
      });

      it('many commands whose link wait ends during a long outage leave no waiter behind (each removes its own), and a wake reaches only live waits', async () => {
        const net = link();
        const { fake, sender, timers } = setup('tok', net.whenOnline, 1_000);
        const results: Array<Awaited<ReturnType<typeof sender.send>>> = [];
        const count = 10;
        for (let i = 0; i < count; i++) {
          void sender.send('canvas.commit', { message: `m${i}` }, { maxAttempts: 1 }).then((r) => results.push(r));
        }
        // Each fails once while offline and waits for the link: 40 waiters.
        await answer(
          fake,
          timers,
          Array.from({ length: count }, () => (r: FakeRequest) => r.failNetwork()),
        );
        expect(net.waits).toBe(count);
        expect(net.live).toBe(count);
        // The outage outlasts every command's wait (requestTimeoutMs = 1 s): each ends, and removes its waiter.
        await timers.advance(1_000);
        await settle();
        expect(results).toHaveLength(count);
        expect(results.every((r) => !r.ok && r.error.code === 'network')).toBe(true);
        expect(net.live).toBe(0);
        // A command waiting now is the only one the reconnect wakes; it lands.
        const late = sender.send('canvas.commit', { message: 'late' });
        await answer(fake, timers, [(r) => r.failNetwork()]);
        expect(net.live).toBe(1);
        net.reconnect();
        expect(net.live).toBe(0);
        await answer(fake, timers, [(r) => r.respondJson(200, committed(2, 7))]);
        expect((await late).ok).toBe(true);
        expect(fake.untaken).toBe(0);
      });

      it('control: without whenOnline the same outage ends the command with network after maxAttempts', async () => {
        const { fake, sender, timers } = setup();
        const pending = sender.send('token.set', { token_id: 'plan.title', value: 'x' });
        await answer(
          fake,
          timers,
          Array.from({ length: 5 }, () => (r: FakeRequest) => r.failNetwork()),
        );
        const result = await pending;
        expect(!result.ok && result.error.code).toBe('network');
      });

      it('an HTTP error answer is counted even while offline (the gateway answered)', async () => {
        const net = link();
        const { fake, sender, timers } = setup('tok', net.whenOnline);
        const pending = sender.send('token.set', { token_id: 'plan.title', value: 'x' });
        const busy = (r: FakeRequest) =>
          r.respondJson(503, { error: { code: 'unavailable', message: 'starting', request_id: 'a' } });
        await answer(
          fake,
          timers,
          Array.from({ length: 5 }, () => busy),
        );
        const result = await pending;
        expect(!result.ok && result.error.code).toBe('unavailable');
        expect(net.waits).toBe(0);
      });

      it('close() ends a command waiting for the link with closed', async () => {
        const net = link();
        const { fake, sender, timers } = setup('tok', net.whenOnline);
        const pending = sender.send('canvas.commit', { message: 'm' });
        await answer(fake, timers, [(r) => r.failNetwork()]);
        expect(net.waits).toBe(1);
        sender.close();
        const result = await pending;
        expect(!result.ok && result.error.code).toBe('closed');
      });
    });
  });
});
