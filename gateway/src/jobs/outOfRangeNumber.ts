import { findNonFiniteNumber } from '../http/findNonFiniteNumber.ts';
import { fail, type Result } from '../core/errors/GatewayError.ts';

/**
 * 400 naming the first number of a parsed JSON body (or of its part at `path`) that is not a
 * finite double (`1e309` parses to `Infinity`), or null when there is none. A schema would call
 * it "must be a string (got Infinity)" or the like, which says nothing of what to fix.
 */
export function outOfRangeNumber(value: unknown, path = ''): Result<never> | null {
  const at = findNonFiniteNumber(value, path);
  if (at === null) return null;
  const message = 'number out of range (not a finite double)';
  return fail('validation_failed', `${at}: ${message}`, { issues: [{ path: at, message }] });
}
