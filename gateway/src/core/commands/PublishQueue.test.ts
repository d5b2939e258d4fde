import { describe, expect, it } from 'vitest';
import type { BusEvent, EventBus } from '../bus/EventBus.ts';
import type { AppendResult } from '../spine/EventSpine.ts';
import { PublishQueue } from './PublishQueue.ts';

function deferred() {
  let resolve!: (r: AppendResult) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<AppendResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function ev(seq: number): BusEvent {
  return { partition: 'a/b', seq, canvasId: 'c', type: 'token_patch', envelope: `{"seq":${seq}}` };
}

describe('PublishQueue', () => {
  it('[CONTRACT 4] publishes in append order even when a later append is durable first; a failure publishes nothing', async () => {
    const published: number[] = [];
    const bus: EventBus = {
      publish: (events) => published.push(...events.map((e) => e.seq ?? -1)),
      subscribe: () => () => {},
      broadcast: () => {},
      onBroadcast: () => () => {},
      close: async () => {},
    };
    const q = new PublishQueue(bus);
    const [a, b, c] = [deferred(), deferred(), deferred()];
    const pa = q.publish('a/b', a.promise, [ev(1)]);
    const pb = q.publish('a/b', b.promise, [ev(2)]);
    const pc = q.publish('a/b', c.promise, [ev(3)]);
    c.resolve({ seqs: [3], outcome: null });
    b.reject(new Error('write failed'));
    await new Promise((r) => setTimeout(r, 5));
    expect(published).toEqual([]);
    a.resolve({ seqs: [1], outcome: null });
    await pa;
    await expect(pb).rejects.toThrow('write failed');
    await pc;
    expect(published).toEqual([1, 3]);
  });
});
