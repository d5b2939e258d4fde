import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './onAbort.ts';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('onAbort', () => {
  it('serves any number of callbacks on one signal through one listener, called in order at the abort', () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const offs = Array.from({ length: 50 }, (_, i) => onAbort(controller.signal, () => calls.push(i)));
    expect(listeners(controller.signal)).toBe(1);
    offs[7]?.();
    controller.abort();
    expect(calls).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 7));
  });

  it('releases removed callbacks: none is called after its removal, and the listener count stays one', () => {
    const controller = new AbortController();
    let called = 0;
    for (let round = 0; round < 20; round++) {
      const offs = Array.from({ length: 50 }, () => onAbort(controller.signal, () => called++));
      for (const off of offs) off?.();
    }
    expect(listeners(controller.signal)).toBe(1);
    controller.abort();
    expect(called).toBe(0);
  });

  it('never calls a callback registered after the abort, and does nothing without a signal', () => {
    const controller = new AbortController();
    controller.abort();
    let called = 0;
    onAbort(controller.signal, () => called++);
    expect(called).toBe(0);
    expect(onAbort(undefined, () => called++)).toBeUndefined();
  });
});
