import { describe, expect, it } from 'vitest';
import { streamTuning } from './streamTuning.ts';

describe('streamTuning: the fan-out tunables of easel serve', () => {
  it('reads the retry range as <min>-<max> or one value', () => {
    expect(streamTuning({ EASEL_SSE_RETRY_MS: '500-1500' })).toEqual({
      ok: true,
      value: { retryMs: { min: 500, max: 1500 } },
    });
    expect(streamTuning({ EASEL_SSE_RETRY_MS: ' 800 ' })).toEqual({
      ok: true,
      value: { retryMs: { min: 800, max: 800 } },
    });
    expect(streamTuning({})).toEqual({ ok: true, value: {} });
  });

  it('a malformed or out-of-range retry range is an error naming the variable and the value', () => {
    for (const bad of ['fast', '1500-500', '10-100', '500-90000', '-5', '1e3', '500-']) {
      const parsed = streamTuning({ EASEL_SSE_RETRY_MS: bad });
      expect(parsed.ok, bad).toBe(false);
      expect(!parsed.ok && parsed.message, bad).toContain(`EASEL_SSE_RETRY_MS`);
      expect(!parsed.ok && parsed.message, bad).toContain(JSON.stringify(bad));
    }
  });

  it('keeps the other tunables as before: in range taken, out of range ignored', () => {
    expect(
      streamTuning({
        EASEL_SSE_KEEPALIVE_MS: '5000',
        EASEL_SSE_BUDGET_BYTES: '100',
        EASEL_SSE_DRAIN_TIMEOUT_MS: '250',
      }),
    ).toEqual({ ok: true, value: { keepAliveMs: 5000, drainTimeoutMs: 250 } });
  });
});
