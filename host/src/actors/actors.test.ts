import { contrastRatio, relativeLuminance } from '@easel/harness';
import { describe, expect, it } from 'vitest';
import { ACTOR_IDS, ACTORS } from './actors.ts';

describe('the host actors', () => {
  it('WCAG 1.4.3: each actor colour holds its white initial (landing page avatar) at 4.5:1 or more', () => {
    for (const id of ACTOR_IDS) {
      const lum = relativeLuminance(ACTORS[id].color);
      expect(lum, `${id}: ${ACTORS[id].color}`).not.toBeNull();
      expect(contrastRatio(lum!, 1), `${id}: ${ACTORS[id].color} against white`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
