import { describe, expect, it } from 'vitest';
import type { PresenceResult, PresenceSample } from './PresenceResult.ts';
import { presenceRatios } from './presenceRatios.ts';

function sample(
  server: PresenceSample['server'],
  hz: number,
  round: number,
  p99: number,
  complete = 1,
): PresenceSample {
  return {
    round,
    server,
    hz,
    latency: { p50: p99 / 4, p99, max: p99 * 2, n: 100 },
    setsPerSec: 1500,
    deliveriesPerSec: 70_000,
    complete,
    clientCpu: 0.5,
    windowMs: 5000,
    serverCpu: server === 'easel' ? 0.5 : 1,
    serverUsPerDelivery: 10,
  };
}

describe('presenceRatios', () => {
  it('divides Easel by plain Hocuspocus per rate; the target is on the first rate only', () => {
    const result: PresenceResult = {
      config: { collaborators: 50, rates: [30, 8], warmupMs: 1, measureMs: 1, rounds: 2 },
      samples: [
        sample('hocuspocus', 30, 1, 100, 0.4),
        sample('easel', 30, 1, 10),
        sample('hocuspocus', 30, 2, 50, 0.5),
        sample('easel', 30, 2, 10),
        sample('hocuspocus', 8, 1, 4),
        sample('easel', 8, 1, 5),
      ],
      failures: [],
    };
    const ratios = presenceRatios(result);
    const p99 = ratios.find((r) => r.id === 'presence.p99.hocuspocus')!;
    expect(p99.value).toBeCloseTo(10 / 75);
    expect(p99.pairRange).toEqual([0.1, 0.2]);
    expect([p99.target, p99.met]).toEqual([1.2, true]);
    expect(p99.note).toMatch(/did not keep up.*hocuspocus/);
    const light = ratios.find((r) => r.id === 'presence.8hz.p99.hocuspocus')!;
    expect([light.value, light.target, light.note]).toEqual([1.25, null, undefined]);
    expect(ratios.find((r) => r.id === 'presence.cpu.hocuspocus')?.value).toBe(0.5);
  });
});
