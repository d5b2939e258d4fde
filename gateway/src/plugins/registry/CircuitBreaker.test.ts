import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoffDelay.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';

const OPTIONS = { crashes: 5, windowMs: 60_000, cooldownMs: 12_000, maxCooldownMs: 100_000 };

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('[CONTRACT 9] circuit breaker', () => {
  it('[CONTRACT 9] opens after N crashes in the window and says when it probes', () => {
    const time = clock();
    const breaker = new CircuitBreaker(OPTIONS, time.now);
    for (let i = 0; i < 4; i++) {
      expect(breaker.recordCrash()).toBe(false);
      expect(breaker.admit()).toEqual({ ok: true, probe: false });
      time.advance(1000);
    }
    expect(breaker.recordCrash()).toBe(true);
    expect(breaker.admit()).toEqual({ ok: false, message: 'circuit open after 5 crashes in 60 s; next probe in 12 s' });
    time.advance(11_500);
    expect(breaker.describe()).toBe('circuit open after 5 crashes in 60 s; next probe in 1 s');
  });

  it('[CONTRACT 9] crashes older than the window do not count', () => {
    const time = clock();
    const breaker = new CircuitBreaker(OPTIONS, time.now);
    for (let i = 0; i < 20; i++) {
      expect(breaker.recordCrash()).toBe(false);
      time.advance(15_001);
    }
    expect(breaker.isOpen).toBe(false);
  });

  it('[CONTRACT 9] half-open lets exactly one probe through; success closes, a crash re-opens for longer', () => {
    const time = clock();
    const breaker = new CircuitBreaker(OPTIONS, time.now);
    for (let i = 0; i < 5; i++) breaker.recordCrash();
    time.advance(12_000);
    expect(breaker.admit()).toEqual({ ok: true, probe: true });
    expect(breaker.admit()).toMatchObject({ ok: false, message: expect.stringMatching(/^circuit half-open/) });
    breaker.cancelProbe();
    expect(breaker.admit()).toEqual({ ok: true, probe: true });
    expect(breaker.recordCrash()).toBe(true);
    expect(breaker.admit()).toEqual({
      ok: false,
      message: 'circuit open again after the probe call crashed; next probe in 24 s',
    });
    time.advance(24_000);
    expect(breaker.admit()).toEqual({ ok: true, probe: true });
    breaker.probeSucceeded();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.describe()).toBeNull();
    expect(breaker.admit()).toEqual({ ok: true, probe: false });
    // A fresh history after closing: four crashes do not open it.
    for (let i = 0; i < 4; i++) expect(breaker.recordCrash()).toBe(false);
  });

  it('[CONTRACT 9] property: whatever the sequence, a refused call always says why, and never two probes at once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constant('crash'), fc.constant('admit'), fc.constant('ok'), fc.integer({ min: 0, max: 40_000 })),
        ),
        (steps) => {
          const time = clock();
          const breaker = new CircuitBreaker(OPTIONS, time.now);
          let probes = 0;
          for (const step of steps) {
            if (step === 'crash') {
              breaker.recordCrash();
              probes = 0;
            } else if (step === 'ok') {
              breaker.probeSucceeded();
              probes = 0;
            } else if (step === 'admit') {
              const gate = breaker.admit();
              if (!gate.ok) expect(gate.message).toMatch(/^circuit /);
              else if (gate.probe) probes++;
              expect(probes).toBeLessThanOrEqual(1);
            } else time.advance(step);
          }
        },
      ),
    );
  });
});

describe('[CONTRACT 9] restart backoff', () => {
  it('[CONTRACT 9] property: jittered between half and all of min(max, base·2^(n−1))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 100 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, baseMs, maxMs, random) => {
          const full = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
          const delay = backoffDelay(attempt, { baseMs, maxMs }, () => random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(full / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(full));
        },
      ),
    );
  });
});
