import { describe, expect, it } from 'vitest';
import { publicState, type SlotHealthInput, slotHealth, slotReason } from './slotHealth.ts';
import { SLOT_PHASES, type SlotPhase } from './SlotPhase.ts';

const NOW = Date.parse('2026-01-05T10:00:00.000Z');

function input(extra: Partial<SlotHealthInput> = {}): SlotHealthInput {
  return {
    name: 'thumbnail',
    manifest: null,
    phase: 'LOADED',
    unavailableReason: null,
    breaker: null,
    failure: null,
    retryAt: null,
    readyAt: null,
    successCount: 0,
    errorCount: 0,
    ...extra,
  };
}

describe('[CONTRACT 9] plugin slot health', () => {
  it('maps every internal phase onto the four public states', () => {
    const states = Object.keys(SLOT_PHASES).map((p) => [p, publicState(p as SlotPhase, false)]);
    expect(Object.fromEntries(states)).toEqual({
      LOADED: 'LOADED',
      STARTING: 'LOADED',
      RUNNING: 'RUNNING',
      BACKOFF: 'FAILED',
      FAILED: 'FAILED',
      UNAVAILABLE: 'UNAVAILABLE',
      STOPPED: 'LOADED',
    });
    expect(publicState('STARTING', true)).toBe('FAILED');
  });

  it('gives an actionable reason with the next retry, and none while healthy', () => {
    const retryAt = NOW + 1500;
    expect(slotReason(input({ phase: 'RUNNING' }), NOW)).toBeUndefined();
    expect(slotReason(input({ phase: 'UNAVAILABLE', unavailableReason: 'needs a GPU' }), NOW)).toBe('needs a GPU');
    expect(slotReason(input({ phase: 'STOPPED' }), NOW)).toBe('the plugin host is closed');
    expect(slotReason(input({ phase: 'STARTING', failure: 'crashed: exit 1' }), NOW)).toBe(
      'crashed: exit 1; restarting now',
    );
    expect(slotReason(input({ phase: 'BACKOFF', failure: 'crashed: exit 1', retryAt }), NOW)).toBe(
      'crashed: exit 1; restarting in 1.5 s (at 2026-01-05T10:00:01.500Z)',
    );
    expect(slotReason(input({ phase: 'FAILED', failure: 'init: boom', retryAt }), NOW)).toBe(
      'init: boom; next retry in 1.5 s (at 2026-01-05T10:00:01.500Z)',
    );
    expect(slotReason(input({ phase: 'FAILED', failure: 'init: boom', retryAt: NOW - 1 }), NOW)).toBe(
      'init: boom; the next call retries',
    );
    expect(slotReason(input({ phase: 'FAILED', failure: 'init: boom', breaker: 'breaker open' }), NOW)).toBe(
      'breaker open; last failure: init: boom',
    );
  });

  it('reports uptime only while running, with the manifest and counters', () => {
    const manifest = { description: 'Renders a PNG', version: '1.2.0' } as SlotHealthInput['manifest'];
    const running = slotHealth(input({ phase: 'RUNNING', manifest, readyAt: NOW - 2000, successCount: 3 }), NOW);
    expect(running).toEqual({
      name: 'thumbnail',
      state: 'RUNNING',
      description: 'Renders a PNG',
      version: '1.2.0',
      uptime_seconds: 2,
      success_count: 3,
      error_count: 0,
    });
    expect(slotHealth(input({ phase: 'LOADED', readyAt: NOW - 2000 }), NOW)).not.toHaveProperty('uptime_seconds');
  });
});
