import { describe, expect, it } from 'vitest';
import { raceAbort } from './raceAbort.ts';

describe('raceAbort', () => {
  it('resolves with the value when nothing aborts', async () => {
    expect(await raceAbort(Promise.resolve(7))).toBe(7);
    expect(await raceAbort(Promise.resolve(7), new AbortController().signal)).toBe(7);
  });

  it("resolves with 'aborted' at once when the signal aborts first, or was aborted already", async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = raceAbort(never, controller.signal);
    controller.abort();
    expect(await raced).toBe('aborted');
    expect(await raceAbort(never, AbortSignal.abort())).toBe('aborted');
  });
});
