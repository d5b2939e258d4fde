import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../lib/deps.ts';
import { FakeFetch, type FakeRequest } from '../testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from '../testing/ManualTimers.ts';
import { TEST_SCOPE, cursorOf } from '../testing/frames.ts';
import { CommandSender } from './CommandSender.ts';

// Many commands in flight at once share the sender's lifetime signal: none of them may put a
// listener on it (Node warns `MaxListenersExceededWarning` past 10, which users read as a leak),
// and closing the sender must still end every one of them, in flight or waiting to retry.

const N = 50;

function setup() {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const deps: Deps = { fetch: fake.fetch, timers, random: seededRandom(9), now: timers.now, logger: {} };
  const sender = new CommandSender({ deps, baseUrl: 'http://gw.test', token: 'tok', scope: () => TEST_SCOPE });
  const sends = Array.from({ length: N }, (_, i) => sender.send('token.set', { token_id: `t${i}`, value: 'x' }));
  return { timers, fake, sender, sends };
}

/** Takes the `n` requests sent so far (bounded: `next` gives up after 2 s). */
async function take(fake: FakeFetch, n: number): Promise<FakeRequest[]> {
  const taken: FakeRequest[] = [];
  for (let i = 0; i < n; i++) taken.push(await fake.next());
  return taken;
}

const tooMany = (r: FakeRequest) =>
  r.respondJson(
    429,
    { error: { code: 'rate_limited', message: 'slow down', request_id: 'r' } },
    { 'retry-after': '1' },
  );

/**
 * Waits until all N commands wait out `Retry-After: 1` (real time, bounded by 5 s: the first error
 * body loads its validator with `import()`; fake time does not pass).
 */
async function sleeping(timers: ManualTimers): Promise<void> {
  const waits = () => timers.pending().filter((ms) => ms === 1_000).length;
  for (let i = 0; i < 500 && waits() < N; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(waits()).toBe(N);
}

let warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Node emits warnings on a later tick: let it, then the names of those seen. */
async function warned(): Promise<string[]> {
  await settle();
  return warnings.map((w) => `${w.name}: ${w.message}`);
}

describe('CommandSender with many commands in flight', () => {
  it('[CONTRACT 5] 50 commands in flight and 50 retries waiting out Retry-After raise no listener warning and all commit', async () => {
    const { timers, fake, sends } = setup();
    const first = await take(fake, N);
    expect(await warned()).toEqual([]);
    for (const r of first) tooMany(r);
    await sleeping(timers);
    expect(await warned()).toEqual([]);
    for (let i = 0; i < 100 && fake.untaken < N; i++) await timers.advance(250);
    const second = await take(fake, N);
    second.forEach((r, i) => {
      r.respondJson(200, { status: 'committed', cursor: cursorOf(i + 1), revision: i + 1 });
    });
    const results = await Promise.all(sends);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await warned()).toEqual([]);
  });

  it('closing ends 50 commands in flight with closed', async () => {
    const { fake, sender, sends } = setup();
    await take(fake, N);
    sender.close();
    const results = await Promise.all(sends);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(Array(N).fill('closed'));
    expect(await warned()).toEqual([]);
  });

  it('closing wakes 50 commands waiting to retry at once, with closed', async () => {
    const { timers, fake, sender, sends } = setup();
    for (const r of await take(fake, N)) tooMany(r);
    await sleeping(timers);
    sender.close();
    // No time passes: the waits end because of the close, not their timers.
    const results = await Promise.all(sends);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(Array(N).fill('closed'));
    expect(fake.untaken).toBe(0);
    expect(await warned()).toEqual([]);
  });
});
