import { describe, expect, it } from 'vitest';
import { ManualTimers, seededRandom } from '../testing/ManualTimers.ts';
import { type Attempt, ConnectionMachine, type ConnectionStatus } from './ConnectionMachine.ts';

function setup(random: () => number = () => 0.5) {
  const timers = new ManualTimers();
  const attempts: Attempt[] = [];
  const machine = new ConnectionMachine({ timers, random, onAttempt: (a) => attempts.push(a) });
  const statuses: ConnectionStatus[] = [];
  machine.onStatus((s) => statuses.push(s));
  return { timers, attempts, machine, statuses };
}

describe('ConnectionMachine', () => {
  it('idle → connecting → open, then backoff → connecting → open on a lost stream', async () => {
    const { machine, attempts, timers, statuses } = setup();
    expect(machine.state).toBe('idle');
    expect(machine.status).toBe('closed');
    machine.start();
    expect(machine.state).toBe('connecting');
    expect(attempts).toHaveLength(1);
    machine.opened(attempts[0]!.id);
    expect(machine.state).toBe('open');
    machine.failed(attempts[0]!.id, { kind: 'network' });
    expect(machine.state).toBe('backoff');
    expect(machine.nextDelay?.tier).toBe('immediate');
    await timers.advance(machine.nextDelay!.ms);
    expect(machine.state).toBe('connecting');
    expect(attempts).toHaveLength(2);
    machine.opened(attempts[1]!.id);
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('backoff walks the tiers with delays inside their jitter bounds, reports offline, resets once the open stream proves healthy', async () => {
    const random = seededRandom(42);
    const { machine, attempts, timers } = setup(random);
    machine.start();
    const seen: Array<{ tier: string; ms: number }> = [];
    for (let i = 0; i < 7; i++) {
      machine.failed(attempts.at(-1)!.id, { kind: 'network' });
      const delay = machine.nextDelay!;
      seen.push({ tier: delay.tier, ms: delay.ms });
      expect(delay.ms).toBeGreaterThanOrEqual(0);
      expect(delay.ms).toBeLessThanOrEqual(delay.ceiling);
      expect(timers.pending()).toEqual([delay.ms]);
      // Nothing happens a millisecond early.
      if (delay.ms > 0) {
        await timers.advance(delay.ms - 1);
        expect(machine.state).toBe('backoff');
        await timers.advance(1);
      } else {
        await timers.advance(0);
      }
      expect(machine.state).toBe('connecting');
    }
    expect(seen.map((s) => s.tier)).toEqual(['immediate', 'quick', 'patient', 'slow', 'cap', 'cap', 'cap']);
    expect(machine.status).toBe('offline');
    machine.opened(attempts.at(-1)!.id);
    expect(machine.status).toBe('open');
    expect(machine.failures).toBe(7); // open, but not proven useful yet
    machine.healthy();
    expect(machine.failures).toBe(0);
    machine.failed(attempts.at(-1)!.id, { kind: 'ended' });
    expect(machine.nextDelay!.tier).toBe('immediate');
    expect(machine.status).toBe('reconnecting');
  });

  it("honours the server's retry: as the base of the backoff", () => {
    const { machine, attempts } = setup(() => 0);
    machine.setServerRetry(4_000);
    machine.start();
    machine.failed(attempts[0]!.id, { kind: 'network' });
    expect(machine.nextDelay).toMatchObject({ floor: 4_000, ceiling: 4_000, ms: 4_000 });
  });

  it('honours Retry-After of a 503', () => {
    const { machine, attempts } = setup(() => 0);
    machine.start();
    machine.failed(attempts[0]!.id, { kind: 'server', status: 503, retryAfterMs: 7_000 });
    expect(machine.nextDelay!.ms).toBe(7_000);
  });

  it('401 retries once with a fresh token, then rests in auth_failed (no hot loop)', async () => {
    const { machine, attempts, timers } = setup();
    machine.start();
    machine.failed(attempts[0]!.id, { kind: 'unauthorized', status: 401 });
    expect(machine.state).toBe('connecting');
    expect(attempts[1]).toMatchObject({ reauth: true });
    machine.failed(attempts[1]!.id, { kind: 'unauthorized', status: 401 });
    expect(machine.state).toBe('auth_failed');
    expect(machine.status).toBe('unauthorized');
    await timers.advance(60_000);
    expect(attempts).toHaveLength(2);
    expect(timers.pending()).toEqual([]);
    machine.start();
    expect(attempts).toHaveLength(3);
  });

  it('the 401 allowance comes back after a successful open', () => {
    const { machine, attempts } = setup();
    machine.start();
    machine.failed(attempts[0]!.id, { kind: 'unauthorized' });
    machine.opened(attempts[1]!.id);
    machine.failed(attempts[1]!.id, { kind: 'ended' });
    machine.start(); // skip the wait
    machine.failed(attempts[2]!.id, { kind: 'unauthorized' });
    expect(machine.state).toBe('connecting');
  });

  it('403 rests in forbidden, 400 in failed (status closed)', async () => {
    const a = setup();
    a.machine.start();
    a.machine.failed(a.attempts[0]!.id, { kind: 'forbidden', status: 403 });
    expect(a.machine.status).toBe('forbidden');
    await a.timers.advance(60_000);
    expect(a.attempts).toHaveLength(1);
    const b = setup();
    b.machine.start();
    b.machine.failed(b.attempts[0]!.id, { kind: 'invalid', status: 400 });
    expect(b.machine.state).toBe('failed');
    expect(b.machine.status).toBe('closed');
  });

  it('ignores answers from a stale attempt and stops on close', async () => {
    const { machine, attempts, timers } = setup();
    machine.start();
    const first = attempts[0]!.id;
    machine.failed(first, { kind: 'network' });
    await timers.advance(10_000);
    machine.opened(first);
    expect(machine.state).toBe('connecting');
    machine.close();
    expect(machine.state).toBe('closed');
    machine.opened(attempts[1]!.id);
    expect(machine.state).toBe('closed');
    machine.failed(attempts[1]!.id, { kind: 'network' });
    await timers.advance(60_000);
    expect(attempts).toHaveLength(2);
  });
});
