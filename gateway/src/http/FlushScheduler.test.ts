import { describe, expect, it } from 'vitest';
import { FlushScheduler } from './FlushScheduler.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FlushScheduler', () => {
  it('flushes each marked sink once, after the promise chain that marked it', async () => {
    const scheduler = new FlushScheduler();
    const flushed: string[] = [];
    const sink = (name: string) => ({ flushScheduled: () => flushed.push(name) });
    const a = sink('a');
    const b = sink('b');
    await Promise.resolve()
      .then(() => scheduler.mark(a))
      .then(() => {
        scheduler.mark(b);
        expect(flushed).toEqual([]);
      });
    await turn();
    expect(flushed).toEqual(['a', 'b']);
    scheduler.mark(a);
    await turn();
    expect(flushed).toEqual(['a', 'b', 'a']);
  });

  it('runs after the ticks queued in the same drain (an HTTP answer ended there is written first)', async () => {
    const scheduler = new FlushScheduler();
    const order: string[] = [];
    await Promise.resolve()
      .then(() => scheduler.mark({ flushScheduled: () => order.push('frames') }))
      .then(() => process.nextTick(() => order.push('ack 1')))
      .then(() => process.nextTick(() => order.push('ack 2')));
    await turn();
    expect(order).toEqual(['ack 1', 'ack 2', 'frames']);
  });
});
