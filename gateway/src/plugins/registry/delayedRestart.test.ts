import { describe, expect, it } from 'vitest';
import type { StartOutcome } from '../sandbox/PluginProcess.ts';
import { delayedRestart } from './delayedRestart.ts';

describe('delayedRestart', () => {
  it('starts once after the delay, telling the slot first', async () => {
    const order: string[] = [];
    const restart = delayedRestart(
      10,
      async (): Promise<StartOutcome> => {
        order.push('start');
        return { ok: true };
      },
      () => order.push('due'),
    );
    expect(order).toEqual([]);
    expect(await restart.promise).toEqual({ ok: true });
    expect(order).toEqual(['due', 'start']);
  });

  it('a cancelled restart never starts and answers with a failed start', async () => {
    let started = 0;
    const restart = delayedRestart(
      10,
      async (): Promise<StartOutcome> => {
        started++;
        return { ok: true };
      },
      () => {},
    );
    restart.cancel();
    expect(await restart.promise).toEqual({ ok: false, phase: 'start', message: 'the plugin host is closed' });
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toBe(0);
  });
});
