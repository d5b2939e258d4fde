import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STANDBY } from './StandbyOptions.ts';
import { StandbyPolicy } from './StandbyPolicy.ts';

const OPTIONS = { ...DEFAULT_STANDBY, hotCalls: 3, windowMs: 1000 };
const RUNNING = { running: true, breakerOpen: false, consecutiveCrashes: 0 };

describe('[CONTRACT 9] StandbyPolicy: who keeps a standby process', () => {
  it('[CONTRACT 9] a plugin is hot after hotCalls calls within the window, and cools down after it', () => {
    const policy = new StandbyPolicy(OPTIONS);
    policy.noteCall(0);
    policy.noteCall(10);
    expect(policy.wants(20, RUNNING)).toBe(false);
    policy.noteCall(20);
    expect(policy.wants(30, RUNNING)).toBe(true);
    expect(policy.wants(1021, RUNNING)).toBe(false);
    // A new window starts with the next call.
    policy.noteCall(2000);
    expect(policy.wants(2001, RUNNING)).toBe(false);
  });

  it('[CONTRACT 9] a crash within the window wants a standby even for a cold plugin', () => {
    const policy = new StandbyPolicy(OPTIONS);
    expect(policy.wants(0, RUNNING)).toBe(false);
    policy.noteCrash(100);
    expect(policy.crashedRecently(500)).toBe(true);
    expect(policy.wants(500, RUNNING)).toBe(true);
    expect(policy.wants(1100, RUNNING)).toBe(false);
  });

  it('[CONTRACT 9] a failed standby blocks standbys for the window, doubling per failure, reset when one is ready', () => {
    const policy = new StandbyPolicy(OPTIONS);
    policy.noteCrash(0);
    expect(policy.noteStandbyFailed(0)).toBe(1000);
    expect(policy.wants(999, RUNNING)).toBe(false);
    policy.noteCrash(1000);
    expect(policy.wants(1000, RUNNING)).toBe(true);
    expect(policy.noteStandbyFailed(1000)).toBe(2000);
    expect(policy.noteStandbyFailed(3000)).toBe(4000);
    for (let i = 0; i < 20; i++) policy.noteStandbyFailed(0);
    expect(policy.noteStandbyFailed(0)).toBe(10_000);
    policy.noteStandbyReady();
    expect(policy.noteStandbyFailed(0)).toBe(1000);
  });

  it('[CONTRACT 9] never a standby when disabled, not running, the breaker is open or the plugin crashed twice in a row', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 30 }),
        fc.option(fc.integer({ min: 0, max: 5000 })),
        fc.integer({ min: 0, max: 6000 }),
        (enabled, running, breakerOpen, consecutiveCrashes, calls, crashAt, now) => {
          const policy = new StandbyPolicy({ ...OPTIONS, enabled });
          for (const at of [...calls].sort((a, b) => a - b)) policy.noteCall(at);
          if (crashAt !== null) policy.noteCrash(crashAt);
          const wants = policy.wants(now, { running, breakerOpen, consecutiveCrashes });
          if (!enabled || !running || breakerOpen || consecutiveCrashes > 1) expect(wants).toBe(false);
        },
      ),
    );
  });
});
