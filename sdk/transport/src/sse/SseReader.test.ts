import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../lib/deps.ts';
import { FakeFetch } from '../testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from '../testing/ManualTimers.ts';
import { OTHER_EPOCH, cursorOf, frame, readyFrame, tokenPatch } from '../testing/frames.ts';
import { type ProtocolError, SseReader } from './SseReader.ts';
import { type AnyEvent, envelopeParsing } from './parseEnvelope.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';
import { loadAnswerGuards, loadSchemas } from '../lib/validation.ts';

// The validators of error answers load lazily (a dynamic import, as `connect()` starts it in the
// transport): loaded once up front, so that a test's few `settle()` turns never race the first load
// (whichever test runs first).
beforeAll(async () => {
  await Promise.all([loadAnswerGuards(), loadSchemas()]);
});

function setup(options: { token?: string | (() => string); idleTimeoutMs?: number } = {}) {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const deps: Deps = {
    validate: mode.current,
    fetch: fake.fetch,
    timers,
    random: seededRandom(7),
    now: timers.now,
    logger: {},
  };
  const events: Array<{ type: string; cursor: string | null; event: AnyEvent }> = [];
  const problems: ProtocolError[] = [];
  const reader = new SseReader<AnyEvent>({
    deps,
    baseUrl: 'http://gw.test',
    path: () => '/v1/canvases/c1/events?tenant_id=acme',
    token: options.token ?? 'tok-1',
    ...envelopeParsing(mode.current),
    onEvent: (event, cursor) => events.push({ type: event.type, cursor, event }),
    onProtocolError: (p) => problems.push(p),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  return { timers, fake, reader, events, problems };
}

const mode = forEachValidationMode(() => {
  describe('SseReader', () => {
    it('[CONTRACT 2] sends the bearer token in the Authorization header, not the URL', async () => {
      const { fake, reader } = setup();
      reader.start();
      const request = await fake.next();
      expect(request.url).toBe('http://gw.test/v1/canvases/c1/events?tenant_id=acme');
      expect(request.headers.authorization).toBe('Bearer tok-1');
      expect(request.headers.accept).toBe('text/event-stream');
      expect(request.headers['last-event-id']).toBeUndefined();
      reader.close();
    });

    it('[CONTRACT 4] resumes with Last-Event-ID after a drop and skips replayed cursors', async () => {
      const { fake, reader, events, timers } = setup();
      reader.start();
      const first = (await fake.next()).respondStream();
      first.push(readyFrame({ cursor: cursorOf(1) }));
      first.push(tokenPatch('plan.title', 'a', 1, cursorOf(2)));
      first.push(tokenPatch('plan.title', 'b', 2, cursorOf(3)));
      await settle();
      expect(reader.status).toBe('open');
      expect(reader.cursor).toBe(cursorOf(3));
      first.error('socket hang up');
      await settle();
      expect(reader.machine.state).toBe('backoff');
      expect(reader.status).toBe('reconnecting');
      await timers.advance(reader.machine.nextDelay!.ms);
      const second = await fake.next();
      expect(second.headers['last-event-id']).toBe(cursorOf(3));
      const stream = second.respondStream();
      // A replay that overlaps what was applied: only the new event gets through.
      stream.push(readyFrame({ cursor: cursorOf(3), snapshot: null }));
      stream.push(tokenPatch('plan.title', 'a', 1, cursorOf(2)));
      stream.push(tokenPatch('plan.title', 'b', 2, cursorOf(3)));
      stream.push(tokenPatch('plan.title', 'c', 3, cursorOf(4)));
      await settle();
      expect(events.map((e) => [e.type, e.cursor])).toEqual([
        ['CANVAS_READY', null],
        ['token_patch', cursorOf(2)],
        ['token_patch', cursorOf(3)],
        ['CANVAS_READY', null],
        ['token_patch', cursorOf(4)],
      ]);
      expect(reader.counts.duplicates).toBe(2);
      reader.close();
    });

    it('skips bad frames with a protocol error and keeps the stream open', async () => {
      const { fake, reader, events, problems } = setup();
      reader.start();
      const stream = (await fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(1) }));
      stream.push('id: epochaaa1-2\nevent: token_patch\ndata: {not json\n\n');
      stream.push('id: epochaaa1-3\nevent: token_patch\ndata: {"v":2}\n\n');
      stream.push(frame('token_patch', { token_id: 'plan.title', op: 'explode', value: 1, revision: 1 }, cursorOf(4)));
      stream.push(tokenPatch('plan.title', 'x', 1, 'not-a-cursor'));
      stream.push('bogus-field: 1\n\n');
      stream.push(tokenPatch('plan.title', 'ok', 1, cursorOf(5)));
      await settle();
      expect(problems.map((p) => p.reason)).toEqual(['bad_json', 'bad_event', 'bad_event', 'bad_cursor', 'bad_line']);
      expect(events.map((e) => e.cursor)).toEqual([null, cursorOf(5)]);
      expect(reader.status).toBe('open');
      expect(reader.cursor).toBe(cursorOf(5));
      reader.close();
    });

    it('telemetry (no id:) is delivered without moving the cursor', async () => {
      const { fake, reader, events } = setup();
      reader.start();
      const stream = (await fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(1) }));
      stream.push(frame('progress', { job_id: 'j1', percent: 10 }, null, { durable: false }));
      await settle();
      expect(events.at(-1)?.type).toBe('progress');
      expect(reader.cursor).toBe(cursorOf(1));
      reader.close();
    });

    it("honours the server's retry: field as the backoff base", async () => {
      const { fake, reader, timers } = setup();
      reader.start();
      const stream = (await fake.next()).respondStream();
      stream.push('retry: 5000\n\n');
      stream.push(readyFrame({ cursor: cursorOf(1) }));
      await settle();
      stream.end();
      await settle();
      const delay = reader.machine.nextDelay!;
      expect(delay.floor).toBe(5_000);
      expect(delay.ms).toBeGreaterThanOrEqual(5_000);
      await timers.advance(4_999);
      expect(fake.untaken).toBe(0);
      await timers.advance(delay.ms - 4_999);
      const next = await fake.next();
      expect(next.headers['last-event-id']).toBe(cursorOf(1));
      reader.close();
    });

    it('401 re-acquires the token once, then rests unauthorized without a retry loop', async () => {
      let calls = 0;
      const { fake, reader, timers } = setup({ token: () => `tok-${++calls}` });
      reader.start();
      const first = await fake.next();
      expect(first.headers.authorization).toBe('Bearer tok-1');
      first.respondJson(401, { error: { code: 'unauthenticated', message: 'expired', request_id: 'r1' } });
      const second = await fake.next();
      expect(second.headers.authorization).toBe('Bearer tok-2');
      second.respondJson(401, { error: { code: 'unauthenticated', message: 'expired', request_id: 'r2' } });
      await settle();
      expect(reader.status).toBe('unauthorized');
      expect(reader.machine.lastFailure?.message).toContain('expired');
      await timers.advance(120_000);
      expect(fake.requests).toHaveLength(2);
    });

    it('403 rests forbidden; 503 backs off with Retry-After', async () => {
      const a = setup();
      a.reader.start();
      (await a.fake.next()).respondJson(403, { error: { code: 'forbidden', message: 'no', request_id: 'r' } });
      await settle();
      expect(a.reader.status).toBe('forbidden');
      await a.timers.advance(60_000);
      expect(a.fake.requests).toHaveLength(1);

      const b = setup();
      b.reader.start();
      (await b.fake.next()).respondJson(
        503,
        { error: { code: 'unavailable', message: 'wait', request_id: 'r' } },
        {
          'retry-after': '3',
        },
      );
      await settle();
      expect(b.reader.status).toBe('reconnecting');
      expect(b.reader.machine.nextDelay!.ms).toBeGreaterThanOrEqual(3_000);
      b.reader.close();
    });

    it('reconnects when the stream stalls (no bytes, not even keep-alives)', async () => {
      const { fake, reader, timers } = setup({ idleTimeoutMs: 30_000 });
      reader.start();
      const stream = (await fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(1) }));
      await timers.advance(20_000);
      stream.push(': keep-alive\n\n');
      await timers.advance(20_000);
      expect(reader.machine.state).toBe('open');
      await timers.advance(10_001);
      expect(reader.machine.state).toBe('backoff');
      expect(reader.machine.lastFailure?.kind).toBe('stalled');
      expect(stream.closed).toBe(true);
      await timers.advance(1_000);
      expect((await fake.next()).headers['last-event-id']).toBe(cursorOf(1));
      reader.close();
    });

    it('an event from another epoch without a reset makes it resync from scratch; a reset READY is accepted', async () => {
      const { fake, reader, timers, events, problems } = setup();
      reader.start();
      const stream = (await fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(5) }));
      stream.push(tokenPatch('plan.title', 'x', 1, cursorOf(1, OTHER_EPOCH)));
      await settle();
      expect(problems.map((p) => p.reason)).toEqual(['epoch_mismatch']);
      expect(events.map((e) => e.type)).toEqual(['CANVAS_READY']);
      await timers.advance(1_000);
      const again = await fake.next();
      expect(again.headers['last-event-id']).toBeUndefined();
      const fresh = again.respondStream();
      fresh.push(readyFrame({ cursor: cursorOf(7, OTHER_EPOCH), reset: true }));
      fresh.push(tokenPatch('plan.title', 'y', 8, cursorOf(8, OTHER_EPOCH)));
      await settle();
      expect(events.map((e) => e.cursor)).toEqual([null, null, cursorOf(8, OTHER_EPOCH)]);
      expect(reader.cursor).toBe(cursorOf(8, OTHER_EPOCH));
      reader.close();
    });

    it('stream_closed decides what follows: reconnect after slow_consumer, rest forbidden after lens_revoked', async () => {
      const a = setup();
      a.reader.start();
      const first = (await a.fake.next()).respondStream();
      first.push(readyFrame({ cursor: cursorOf(1) }));
      first.push(frame('stream_closed', { reason: 'slow_consumer', retry_after_ms: 2_000 }, null, { durable: false }));
      first.end();
      await settle();
      expect(a.events.map((e) => e.type)).toEqual(['CANVAS_READY', 'stream_closed']);
      expect(a.reader.machine.state).toBe('backoff');
      expect(a.reader.machine.nextDelay!.ms).toBeGreaterThanOrEqual(2_000);
      await a.timers.advance(3_000);
      expect((await a.fake.next()).headers['last-event-id']).toBe(cursorOf(1));
      a.reader.close();

      const b = setup();
      b.reader.start();
      const stream = (await b.fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(1) }));
      stream.push(frame('stream_closed', { reason: 'lens_revoked' }, null, { durable: false }));
      stream.end();
      await settle();
      expect(b.reader.status).toBe('forbidden');
      await b.timers.advance(60_000);
      expect(b.fake.requests).toHaveLength(1);
    });

    it('stream_closed token_expired reconnects at once with a fresh token', async () => {
      let calls = 0;
      const { fake, reader } = setup({ token: () => `tok-${++calls}` });
      reader.start();
      const stream = (await fake.next()).respondStream();
      stream.push(readyFrame({ cursor: cursorOf(1) }));
      stream.push(frame('stream_closed', { reason: 'token_expired' }, null, { durable: false }));
      stream.end();
      const again = await fake.next();
      expect(again.headers.authorization).toBe('Bearer tok-2');
      expect(again.headers['last-event-id']).toBe(cursorOf(1));
      reader.close();
    });

    it('close() aborts the stream and stops reconnecting', async () => {
      const { fake, reader, timers } = setup();
      reader.start();
      const stream = (await fake.next()).respondStream();
      await settle();
      reader.close();
      await settle();
      expect(stream.closed).toBe(true);
      expect(reader.status).toBe('closed');
      await timers.advance(60_000);
      expect(fake.requests).toHaveLength(1);
    });
  });
});
