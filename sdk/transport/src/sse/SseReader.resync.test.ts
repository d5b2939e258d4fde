import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnswerGuards } from '../lib/validation.ts';
import { FakeFetch } from '../testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from '../testing/ManualTimers.ts';
import { cursorOf, readyFrame } from '../testing/frames.ts';
import { SseReader } from './SseReader.ts';
import { type AnyEvent, envelopeParsing } from './parseEnvelope.ts';

// (The error-body validators load lazily: loaded up front so that a few settle() turns suffice.)
beforeAll(async () => {
  await loadAnswerGuards();
});

function setup() {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const reader = new SseReader<AnyEvent>({
    deps: { fetch: fake.fetch, timers, random: seededRandom(5), now: timers.now, logger: {} },
    baseUrl: 'http://gw.test',
    path: () => '/v1/canvases/c1/events',
    token: 'tok',
    ...envelopeParsing(undefined),
    onEvent: () => undefined,
  });
  return { timers, fake, reader };
}

// The transport resyncs when its mirror missed state (an update that does not apply), which can
// happen after the stream stopped (a snapshot applied after the next paint): that must not reopen it.
describe('SseReader.resync', () => {
  it('while open: reconnects at once without Last-Event-ID', async () => {
    const { fake, reader, timers } = setup();
    reader.start();
    const stream = (await fake.next()).respondStream();
    stream.push(readyFrame({ cursor: cursorOf(3) }));
    await settle();
    expect(reader.cursor).toBe(cursorOf(3));
    reader.resync();
    expect(stream.closed).toBe(true);
    await timers.advance(1_000);
    expect((await fake.next()).headers['last-event-id']).toBeUndefined();
    reader.close();
  });

  it('after close() or a refusal: only drops the cursor, does not connect again', async () => {
    const { fake, reader, timers } = setup();
    reader.start();
    const stream = (await fake.next()).respondStream();
    stream.push(readyFrame({ cursor: cursorOf(3) }));
    await settle();
    reader.close();
    reader.resync();
    await timers.advance(60_000);
    expect(fake.requests).toHaveLength(1);
    expect(reader.status).toBe('closed');

    reader.start();
    const again = await fake.next();
    expect(again.headers['last-event-id']).toBeUndefined();
    again.respondJson(403, { error: { code: 'forbidden', message: 'no', request_id: 'r' } });
    await settle();
    expect(reader.status).toBe('forbidden');
    reader.resync();
    await timers.advance(60_000);
    expect(fake.requests).toHaveLength(2);
    expect(reader.status).toBe('forbidden');
  });
});
