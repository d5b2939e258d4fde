import { describe, expect, it } from 'vitest';
import { LatencyTracker } from './LatencyTracker.ts';

describe('LatencyTracker', () => {
  it('measures send → last of N readers, and send → first reader', () => {
    const tracker = new LatencyTracker(3);
    tracker.sent(1, 100);
    tracker.seen(1, 101);
    tracker.seen(1, 104);
    expect(tracker.stats(false).complete).toBe(0);
    tracker.seen(1, 110);
    const stats = tracker.stats(true);
    expect(stats).toMatchObject({ complete: 1, pending: 0, p50: 10, p99: 10, firstP50: 1 });
    expect(tracker.stats(false).complete).toBe(0);
  });

  it('ignores updates it never saw sent and counts the unfinished as pending', () => {
    const tracker = new LatencyTracker(2);
    tracker.seen(7, 5);
    tracker.sent(8, 10);
    tracker.seen(8, 12);
    expect(tracker.stats(false)).toMatchObject({ complete: 0, pending: 1 });
  });
});
