import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type IdleCheck, IdleStop } from './IdleStop.ts';

/** Polls (bounded) until `check` holds; false when it did not within `timeoutMs`. */
async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

// The uses are given their times (as the slot gives `Date.now()` at each call) rather than spaced
// by sleeps: on a loaded machine a sleep can overrun `idleMs`, and the check would then be due.
describe('[CONTRACT 9] IdleStop: the process stops idleMs after its last use', () => {
  it('[CONTRACT 9] due idleMs after the last use, not after the first; one check', async () => {
    const checks: number[] = [];
    const first = Date.now();
    const idle = new IdleStop(120, (): IdleCheck => {
      checks.push(Date.now() - first);
      return 'done';
    });
    idle.used(first, true);
    // Five more uses, 40 ms apart: the last one 200 ms after the first (the check armed by the
    // first use comes due before it and must re-arm for the rest).
    for (let i = 1; i <= 5; i++) idle.used(first + 40 * i, true);
    const lastUse = 200;
    expect(await waitFor(() => checks.length > 0)).toBe(true);
    await sleep(200);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toBeGreaterThanOrEqual(lastUse + 115);
  });

  it('[CONTRACT 9] busy: checked again idleMs later; clear drops the pending check; unarmed uses schedule nothing', async () => {
    let answers: IdleCheck[] = ['busy', 'done'];
    const checks: number[] = [];
    const idle = new IdleStop(60, () => {
      checks.push(Date.now());
      return answers.shift() ?? 'done';
    });
    idle.used(Date.now(), true);
    expect(await waitFor(() => checks.length >= 2)).toBe(true);
    expect((checks[1] as number) - (checks[0] as number)).toBeGreaterThanOrEqual(55);
    await sleep(150);
    expect(checks).toHaveLength(2);
    answers = ['done'];
    idle.used(Date.now(), true);
    idle.clear();
    await sleep(150);
    expect(checks).toHaveLength(2);
    idle.used(Date.now(), false);
    await sleep(150);
    expect(checks).toHaveLength(2);
  });
});
