import { describe, expect, it } from 'vitest';
import { COMMAND_RATE_DEFAULTS, commandRateSettings } from './commandRateLimit.ts';

describe('commandRateSettings (EASEL_COMMAND_RATE, EASEL_COMMAND_BURST)', () => {
  it('defaults when unset or empty', () => {
    expect(commandRateSettings({})).toEqual({ ok: true, value: COMMAND_RATE_DEFAULTS });
    expect(commandRateSettings({ EASEL_COMMAND_RATE: ' ', EASEL_COMMAND_BURST: '' })).toEqual({
      ok: true,
      value: COMMAND_RATE_DEFAULTS,
    });
  });

  it('reads a rate (decimals too) and a burst; 0 turns the limit off', () => {
    expect(commandRateSettings({ EASEL_COMMAND_RATE: '20', EASEL_COMMAND_BURST: '5' })).toEqual({
      ok: true,
      value: { ratePerSecond: 20, burst: 5 },
    });
    expect(commandRateSettings({ EASEL_COMMAND_RATE: '0.5' })).toEqual({
      ok: true,
      value: { ratePerSecond: 0.5, burst: COMMAND_RATE_DEFAULTS.burst },
    });
    expect(commandRateSettings({ EASEL_COMMAND_RATE: '0' })).toEqual({ ok: true, value: null });
  });

  it('refuses bad values with a message naming the setting', () => {
    for (const rate of ['-1', 'fast', '1e3', 'Infinity', '10/s']) {
      const r = commandRateSettings({ EASEL_COMMAND_RATE: rate });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('EASEL_COMMAND_RATE must be a number');
    }
    for (const burst of ['0', '-5', '1.5', 'lots']) {
      const r = commandRateSettings({ EASEL_COMMAND_BURST: burst });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('EASEL_COMMAND_BURST must be a positive integer');
    }
  });
});
