import { describe, expect, it } from 'vitest';
import { codeForStatus } from './httpError.ts';

describe('codeForStatus', () => {
  it('[CONTRACT 3] maps a status without an error body to its code (429 rate_limited, other 5xx unavailable)', () => {
    expect(codeForStatus(429)).toBe('rate_limited');
    expect(codeForStatus(503)).toBe('unavailable');
    expect(codeForStatus(502)).toBe('unavailable');
    expect(codeForStatus(404)).toBe('not_found');
    expect(codeForStatus(418)).toBe('validation_failed');
  });
});
