import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTOR_IDS } from '../actors/actors.ts';
import { DEFAULT_FLOW, type HostLocation, readHostLocation, writeHostLocation } from './hostLocation.ts';

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,30}$/);

describe('the URL is the host state', () => {
  it('[CONTRACT 12] reads actor, flow, canvas and user; defaults and drops what is malformed', () => {
    expect(readHostLocation('?actor=planner&flow=split&canvas=split-doc&user=pat-2')).toEqual({
      actor: 'planner',
      flow: 'split',
      canvas: 'split-doc',
      user: 'pat-2',
    });
    expect(readHostLocation('')).toEqual({ actor: null, flow: DEFAULT_FLOW, canvas: null, user: null });
    expect(readHostLocation('?actor=admin&flow=../x&canvas=<b>&user=')).toEqual({
      actor: null,
      flow: DEFAULT_FLOW,
      canvas: null,
      user: null,
    });
  });

  it('[CONTRACT 12] write then read is the identity; any search string reads without throwing', () => {
    const location = fc.record({
      actor: fc.option(fc.constantFrom(...ACTOR_IDS), { nil: null }),
      flow: slug,
      canvas: fc.option(slug, { nil: null }),
      user: fc.option(slug, { nil: null }),
    });
    fc.assert(
      fc.property(location, (loc: HostLocation) => {
        expect(readHostLocation(writeHostLocation(loc))).toEqual(loc);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), (search) => {
        const loc = readHostLocation(search);
        expect(typeof loc.flow).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 12] links are stable: actor first, then flow', () => {
    expect(writeHostLocation({ actor: 'director', flow: 'demo', canvas: null, user: null })).toBe(
      '?actor=director&flow=demo',
    );
  });
});
