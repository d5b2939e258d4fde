import { describe, expect, it } from 'vitest';
import { mergeTurnHistory } from './mergeTurnHistory.ts';
import { MAX_TURNS, reduceTurns, type TurnEventLike, type TurnView } from './reduceTurns.ts';

const ADA = { id: 'ada', kind: 'agent' } as const;

function accepted(turnId: string, text: string, at: string): TurnEventLike {
  return { type: 'turn_accepted', timestamp: at, actor: ADA, turn_id: turnId, payload: { turn_id: turnId, text } };
}
function final(turnId: string, text: string, at: string): TurnEventLike {
  return { type: 'turn_final', timestamp: at, turn_id: turnId, payload: { turn_id: turnId, text } };
}
function committed(turnId: string, revision: number, at: string): TurnEventLike {
  return { type: 'commit_succeeded', timestamp: at, turn_id: turnId, payload: { turn_id: turnId, revision } };
}
function fold(events: TurnEventLike[], from: readonly TurnView[] = []): readonly TurnView[] {
  return events.reduce((turns, e) => reduceTurns(turns, e), from);
}

describe('mergeTurnHistory', () => {
  it('puts the missed turns, folded from their events, before the live ones', () => {
    const live = fold([accepted('t3', 'three', '2026-01-01T00:03:00Z')]);
    const merged = mergeTurnHistory(live, [
      accepted('t1', 'one', '2026-01-01T00:01:00Z'),
      final('t1', 'done one', '2026-01-01T00:01:05Z'),
      committed('t1', 4, '2026-01-01T00:01:06Z'),
      accepted('t2', 'two', '2026-01-01T00:02:00Z'),
    ]);
    expect(merged.map((t) => [t.turnId, t.status, t.prompt])).toEqual([
      ['t1', 'committed', 'one'],
      ['t2', 'accepted', 'two'],
      ['t3', 'accepted', 'three'],
    ]);
    expect(merged[0]).toMatchObject({ output: 'done one', commit: { ok: true, revision: 4 }, actor: ADA });
  });

  it('keeps a turn the live stream shows as the stream shows it (history never rolls it back)', () => {
    const live = fold([
      accepted('t1', 'one', '2026-01-01T00:01:00Z'),
      final('t1', 'live answer', '2026-01-01T00:01:05Z'),
      committed('t1', 2, '2026-01-01T00:01:06Z'),
    ]);
    const merged = mergeTurnHistory(live, [accepted('t1', 'one', '2026-01-01T00:01:00Z')]);
    expect(merged).toBe(live);
  });

  it('live events after the history fold into the historical turn', () => {
    const merged = mergeTurnHistory([], [accepted('t1', 'one', '2026-01-01T00:01:00Z')]);
    const later = fold(
      [final('t1', 'answer', '2026-01-01T00:01:05Z'), committed('t1', 7, '2026-01-01T00:01:06Z')],
      merged,
    );
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ turnId: 't1', prompt: 'one', output: 'answer', status: 'committed' });
  });

  it(`keeps at most ${MAX_TURNS} turns, dropping the oldest`, () => {
    const events = Array.from({ length: MAX_TURNS + 5 }, (_, i) =>
      accepted(`h${i}`, `p${i}`, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
    );
    const live = fold([accepted('live', 'now', '2026-01-02T00:00:00Z')]);
    const merged = mergeTurnHistory(live, events);
    expect(merged).toHaveLength(MAX_TURNS);
    expect(merged.at(-1)!.turnId).toBe('live');
    expect(merged[0]!.turnId).toBe('h6');
  });
});
