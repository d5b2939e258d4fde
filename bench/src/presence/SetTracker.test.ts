import { describe, expect, it } from 'vitest';
import { SetTracker } from './SetTracker.ts';

describe('SetTracker', () => {
  it('times a set until the last other collaborator saw it', () => {
    const t = new SetTracker(3);
    t.sent(0, 1, 100, true);
    t.seen(1, 0, 1, 103);
    t.seen(0, 0, 1, 101); // the sender's own echo does not count
    expect(t.latencies).toEqual([]);
    t.seen(2, 0, 1, 110);
    expect(t.latencies).toEqual([10]);
  });

  it('counts a later clock as having seen the earlier sets (coalescing: the latest wins)', () => {
    const t = new SetTracker(2);
    t.sent(0, 1, 0, true);
    t.sent(0, 2, 10, true);
    t.sent(0, 3, 20, false);
    t.seen(1, 0, 3, 25);
    expect(t.latencies).toEqual([25, 15]);
    t.seen(1, 0, 2, 30); // old news
    expect(t.latencies).toHaveLength(2);
  });

  it('gives up sets nobody saw in time, counting those in the window', () => {
    const t = new SetTracker(2, 100);
    t.sent(0, 1, 0, true);
    t.sent(0, 2, 0, false);
    t.expire(0, 500);
    expect([t.counted, t.incomplete, t.latencies.length]).toEqual([1, 1, 0]);
    t.seen(1, 0, 2, 600);
    expect(t.latencies).toEqual([]);
  });
});
