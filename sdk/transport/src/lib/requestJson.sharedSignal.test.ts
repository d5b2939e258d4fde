import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { testApi } from '../testing/testApi.ts';
import { type WhenOnline, requestJson } from './requestJson.ts';

// Requests that share one signal (a client's lifetime) do not add a listener each to it: one
// listener (see `onAbort`) serves them all, in flight, waiting between attempts or for the gateway
// to be reachable, and after they end. Aborting it still ends every one of them at once, with
// `closed`.

const N = 50;
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** Bounded real-time wait (fake time does not pass) until `ready()`. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ready()).toBe(true);
}

function setup() {
  const { timers, fake, api } = testApi({ validate: 'structural', seed: 5 });
  const shared = new AbortController();
  // The gateway is unreachable until `online()`: waits for it are registered here.
  const wakes = new Set<() => void>();
  let reachable = false;
  const whenOnline: WhenOnline = (wake) => {
    if (reachable) return null;
    wakes.add(wake);
    return () => wakes.delete(wake);
  };
  const online = () => {
    reachable = true;
    for (const wake of [...wakes]) wake();
  };
  const start = (i: number) =>
    requestJson(api, {
      method: 'POST',
      path: `/v1/c${i}`,
      body: {},
      attempts: 3,
      idempotent: true,
      signal: shared.signal,
      whenOnline,
    });
  return { timers, fake, shared, wakes, online, start };
}

describe('requestJson on a shared signal', () => {
  it('50 requests in flight, waiting for the gateway and waiting to retry hold one listener on it in all', async () => {
    const { timers, fake, shared, wakes, online, start } = setup();
    const answers = Array.from({ length: N }, (_, i) => start(i));
    const first = [];
    for (let i = 0; i < N; i++) first.push(await fake.next());
    expect(listeners(shared.signal)).toBe(1);
    // No answer: each waits for the gateway to be reachable again.
    for (const r of first) r.failNetwork();
    await until(() => wakes.size === N);
    expect(listeners(shared.signal)).toBe(1);
    online();
    const second = [];
    for (let i = 0; i < N; i++) second.push(await fake.next());
    expect(wakes.size).toBe(0);
    // Busy: each waits out Retry-After.
    for (const r of second) {
      r.respondJson(429, { error: { code: 'rate_limited', message: 'slow', request_id: 'r' } }, { 'retry-after': '1' });
    }
    await until(() => timers.pending().filter((ms) => ms === 1_000).length === N);
    expect(listeners(shared.signal)).toBe(1);
    for (let i = 0; i < 100 && fake.untaken < N; i++) await timers.advance(250);
    for (let i = 0; i < N; i++) (await fake.next()).respondJson(200, { n: i });
    const results = await Promise.all(answers);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(listeners(shared.signal)).toBe(1);
  });

  it('aborting the shared signal ends requests in flight and every kind of wait at once, with closed', async () => {
    const { timers, fake, shared, wakes, start } = setup();
    const answers = Array.from({ length: 3 * N }, (_, i) => start(i));
    const requests = [];
    for (let i = 0; i < 3 * N; i++) requests.push(await fake.next());
    // A third stays in flight, a third waits for the gateway, a third waits to retry.
    for (const r of requests.slice(0, N)) r.failNetwork();
    for (const r of requests.slice(N, 2 * N)) {
      r.respondJson(429, { error: { code: 'rate_limited', message: 'slow', request_id: 'r' } }, { 'retry-after': '1' });
    }
    await until(() => wakes.size === N && timers.pending().filter((ms) => ms === 1_000).length === N);
    shared.abort();
    const results = await Promise.all(answers);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(Array(3 * N).fill('closed'));
    expect(wakes.size).toBe(0);
    expect(timers.pending()).toEqual([]);
    expect(fake.untaken).toBe(0);
  });
});
