import { turnHistorySchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordedEvent } from '../testing/recordedEvent.ts';
import { turnHistoryGuard } from './turnHistoryGuard.ts';

const TURN = 't_abcdefghijklmnopqrstuvwx';
const EVENTS = [
  recordedEvent('turn_accepted', { turn_id: TURN, text: 'add a note' }, { turn_id: TURN }),
  recordedEvent('turn_final', { turn_id: TURN, text: 'done' }, { turn_id: TURN }),
  recordedEvent('commit_succeeded', { turn_id: TURN, revision: 3 }, { turn_id: TURN }),
  recordedEvent('commit_failed', { turn_id: TURN, error: { code: 'conflict', message: 'stale' } }, { turn_id: TURN }),
  recordedEvent('turn_cancelled', { turn_id: TURN, reason: 'user' }, { turn_id: TURN }),
];

/** One entry: a valid turn event, or one with its type, payload or envelope spoiled; a cursor of any length. */
const entry = fc.record({
  cursor: fc.oneof(fc.string({ minLength: 0, maxLength: 70 }), fc.constant('e1-00000000000000000001')),
  event: fc.tuple(fc.constantFrom(...EVENTS), fc.nat(6)).map(([event, spoil]) => {
    if (spoil === 1) return { ...event, type: 'turn_exploded' };
    if (spoil === 2) return { ...event, type: 7 };
    if (spoil === 3) return { ...event, payload: { text: 'no turn id' } };
    if (spoil === 4) return { ...event, scope: null };
    return event;
  }),
});

const history = fc.oneof(
  fc.record({ events: fc.array(entry, { maxLength: 4 }), complete: fc.boolean() }),
  fc.record({ events: fc.anything(), complete: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
);

/** `value` without its well-formed entries whose event has a string type this client does not know (the guard skips those). */
function withoutUnknownTypes(value: unknown): unknown {
  const events = (value as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return value;
  const known = new Set<unknown>(EVENTS.map((e) => e.type));
  const kept = events.filter((entry) => {
    const { cursor, event } = (entry ?? {}) as { cursor?: unknown; event?: { type?: unknown } | null };
    const wellFormed = typeof cursor === 'string' && cursor.length >= 1 && cursor.length <= 64;
    const type = event?.type;
    return !wellFormed || typeof type !== 'string' || known.has(type);
  });
  return { ...(value as object), events: kept };
}

describe('turnHistoryGuard: turnHistorySchema without zod', () => {
  it('[CONTRACT 4] accepts what turnHistorySchema accepts, with the same value, entries of unknown types dropped; never throws', () => {
    fc.assert(
      fc.property(history, (value) => {
        const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
        const guarded = turnHistoryGuard.safeParse(json);
        const zod = turnHistorySchema.safeParse(withoutUnknownTypes(json));
        expect(guarded.success).toBe(zod.success);
        if (guarded.success && zod.success) expect(guarded.data).toEqual(zod.data);
      }),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 4] a refusal names where: the first bad entry’s field', () => {
    const ok = { cursor: 'e1-00000000000000000001', event: EVENTS[0] };
    const bad = turnHistoryGuard.safeParse({
      events: [ok, { ...ok, event: { ...EVENTS[1], type: 7 } }],
      complete: false,
    });
    expect(!bad.success && bad.error.issues[0]?.path).toEqual(['events', 1, 'event', 'type']);
    const short = turnHistoryGuard.safeParse({ events: [{ ...ok, cursor: '' }], complete: false });
    expect(!short.success && short.error.issues[0]?.path).toEqual(['events', 0, 'cursor']);
  });

  it('[CONTRACT 4] an entry of a type this client does not know is dropped, the others kept (a newer gateway)', () => {
    const ok = { cursor: 'e1-00000000000000000001', event: EVENTS[0] };
    const newer = { cursor: 'e1-00000000000000000002', event: { ...EVENTS[1], type: 'turn_paused' } };
    const parsed = turnHistoryGuard.safeParse({ events: [ok, newer], complete: true });
    expect(parsed.success && parsed.data.events.map((e) => e.cursor)).toEqual(['e1-00000000000000000001']);
  });
});
