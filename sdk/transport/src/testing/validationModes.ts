import { beforeAll, describe } from 'vitest';
import type { ValidationMode } from '../lib/validation.ts';

/** Both ways the transport validates what arrives: the generated guards, and zod (`validate: 'full'`). */
export const VALIDATION_MODES = ['structural', 'full'] as const satisfies readonly ValidationMode[];

/**
 * Runs `suites` once per validation mode. `current` holds the mode of the suites running now, for
 * the test's setup (`validate: mode.current`).
 */
export function forEachValidationMode(suites: () => void): { readonly current: ValidationMode } {
  const state = { current: 'structural' as ValidationMode };
  describe.each(VALIDATION_MODES)('validate: %s', (mode) => {
    beforeAll(() => {
      state.current = mode;
    });
    suites();
  });
  return state;
}
