import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainAppend } from './chainAppend.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const ticks = () => new Promise<void>((r) => setImmediate(r));

describe('chainAppend', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it('the chain settles only once every earlier append and this one are durable', async () => {
    const canvas = { appendChain: Promise.resolve() };
    const first = deferred();
    const second = deferred();
    chainAppend(canvas, first.promise);
    chainAppend(canvas, second.promise);
    let settled = false;
    void canvas.appendChain.then(() => {
      settled = true;
    });
    second.resolve();
    await ticks();
    expect(settled).toBe(false);
    first.resolve();
    await ticks();
    expect(settled).toBe(true);
  });

  it('a failed append rejects the chain after it, without an unhandled rejection', async () => {
    const canvas = { appendChain: Promise.resolve() };
    const failed = deferred();
    chainAppend(canvas, failed.promise);
    failed.reject(new Error('write failed'));
    await ticks();
    await ticks();
    expect(unhandled).toEqual([]);
    await expect(canvas.appendChain).rejects.toThrow('write failed');
  });
});
