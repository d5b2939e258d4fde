import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type IdleCheck, IdleStop } from './IdleStop.ts';

describe('[CONTRACT 9] IdleStop: the process stops idleMs after its last use', () => {
  it('[CONTRACT 9] due idleMs after the last use, not after the first; one check', async () => {
    const checks: number[] = [];
    const started = Date.now();
    const idle = new IdleStop(120, (): IdleCheck => {
      checks.push(Date.now() - started);
      return 'done';
    });
    idle.used(Date.now(), true);
    for (let i = 0; i < 5; i++) {
      await sleep(40);
      idle.used(Date.now(), true);
    }
    const lastUse = Date.now() - started;
    await sleep(400);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toBeGreaterThanOrEqual(lastUse + 115);
  });

  it('[CONTRACT 9] busy: checked again idleMs later; clear drops the pending check; unarmed uses schedule nothing', async () => {
    let answers: IdleCheck[] = ['busy', 'done'];
    let checks = 0;
    const idle = new IdleStop(60, () => {
      checks++;
      return answers.shift() ?? 'done';
    });
    idle.used(Date.now(), true);
    await sleep(250);
    expect(checks).toBe(2);
    answers = ['done'];
    idle.used(Date.now(), true);
    idle.clear();
    await sleep(150);
    expect(checks).toBe(2);
    idle.used(Date.now(), false);
    await sleep(150);
    expect(checks).toBe(2);
  });
});
