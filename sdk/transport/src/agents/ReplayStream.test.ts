import { describe, expect, it } from 'vitest';
import { ReplayStream } from './ReplayStream.ts';

async function take<T>(iterable: AsyncIterable<T>, n = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

describe('ReplayStream', () => {
  it('every iterator sees every item held, early or late, then ends', async () => {
    const stream = new ReplayStream<number>();
    const early = take(stream);
    stream.push(1);
    stream.push(2);
    const late = take(stream);
    stream.push(3);
    stream.end();
    stream.push(4);
    expect(await early).toEqual([1, 2, 3]);
    expect(await late).toEqual([1, 2, 3]);
    expect(await take(stream)).toEqual([1, 2, 3]);
  });

  it('holds at most capacity items; a waiting iterator skips the dropped ones', async () => {
    const stream = new ReplayStream<number>(2);
    const iterator = stream[Symbol.asyncIterator]();
    const first = iterator.next();
    stream.push(1);
    expect(await first).toEqual({ done: false, value: 1 });
    for (let i = 2; i <= 5; i++) stream.push(i);
    expect(stream.dropped).toBe(3);
    stream.end();
    expect(await iterator.next()).toEqual({ done: false, value: 4 });
    expect(await iterator.next()).toEqual({ done: false, value: 5 });
    expect((await iterator.next()).done).toBe(true);
  });

  it('break ends one iterator, not the stream', async () => {
    const stream = new ReplayStream<string>();
    stream.push('a');
    stream.push('b');
    expect(await take(stream, 1)).toEqual(['a']);
    stream.end();
    expect(await take(stream)).toEqual(['a', 'b']);
    expect(() => new ReplayStream(0)).toThrow(/capacity/);
  });
});
