import type { FakeFetch, FakeRequest } from './FakeFetch.ts';
import type { ManualTimers } from './ManualTimers.ts';

/**
 * The next request the transport makes (a reconnect, a command), moving manual time on by
 * `stepMs` (at most `steps` times) until one arrived; rejects if none comes (see `FakeFetch.next`).
 */
export async function nextRequest(
  timers: ManualTimers,
  fake: FakeFetch,
  options: { stepMs?: number; steps?: number } = {},
): Promise<FakeRequest> {
  const { stepMs = 50, steps = 100 } = options;
  for (let i = 0; i < steps && fake.untaken === 0; i++) await timers.advance(stepMs);
  return fake.next();
}
