import { describe, expect, it } from 'vitest';
import { BENCH_NAMES, parseArgs } from './parseArgs.ts';

describe('parseArgs', () => {
  it('runs every sub-benchmark by default', () => {
    const parsed = parseArgs([]);
    expect(parsed.ok && parsed.value.names).toEqual([...BENCH_NAMES]);
  });

  it('takes names, --quick, --rounds and --servers', () => {
    const parsed = parseArgs(['latency', 'fanout', '--quick', '--rounds', '2', '--servers', 'easel,raw']);
    expect(parsed).toEqual({
      ok: true,
      value: {
        names: ['fanout', 'latency'],
        quick: true,
        rounds: 2,
        servers: ['raw', 'easel'],
        profileEasel: false,
        help: false,
      },
    });
  });

  it('refuses unknown names and bad values with a message', () => {
    expect(parseArgs(['fanot'])).toEqual({ ok: false, error: 'unknown argument: fanot' });
    expect(parseArgs(['--rounds', '0']).ok).toBe(false);
    expect(parseArgs(['--servers', 'redis']).ok).toBe(false);
  });
});
