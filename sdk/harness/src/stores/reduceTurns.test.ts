import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceTurns, type TurnEventLike, type TurnView } from './reduceTurns.ts';

const ev = (type: string, payload: Record<string, unknown>, extra: Partial<TurnEventLike> = {}): TurnEventLike => ({
  type,
  payload,
  timestamp: '2026-01-05T10:00:00.000Z',
  ...extra,
});

const fold = (events: readonly TurnEventLike[]): readonly TurnView[] =>
  events.reduce(reduceTurns, [] as readonly TurnView[]);

describe('reduceTurns (contract §4 chat/turns)', () => {
  it('[CONTRACT 4] folds accepted → tokens → final → commit_succeeded into one committed turn', () => {
    const turns = fold([
      ev(
        'turn_accepted',
        { turn_id: 't1', text: 'tidy up' },
        { causation_id: 'cmd-1', actor: { id: 'a', kind: 'agent' } },
      ),
      ev('model_status', { turn_id: 't1', model: 'm', status: 'loading' }),
      ev('chat_token', { turn_id: 't1', index: 0, text: 'Do' }),
      ev('chat_token', { turn_id: 't1', index: 1, text: 'ne' }),
      ev('turn_final', { turn_id: 't1', text: 'Done.' }),
      ev('commit_succeeded', { turn_id: 't1', revision: 7 }),
    ]);
    expect(turns).toHaveLength(1);
    const [turn] = turns;
    expect(turn).toMatchObject({
      turnId: 't1',
      prompt: 'tidy up',
      commandId: 'cmd-1',
      status: 'committed',
      output: 'Done.',
      commit: { ok: true, revision: 7 },
      model: { name: 'm', status: 'loading' },
    });
  });

  it('[CONTRACT 4] commit_failed carries the refusal reason', () => {
    const [turn] = fold([
      ev('turn_accepted', { turn_id: 't2' }),
      ev('commit_failed', { turn_id: 't2', error: { code: 'forbidden', message: 'agents may not write layout' } }),
    ]);
    expect(turn?.status).toBe('failed');
    expect(turn?.commit).toEqual({ ok: false, code: 'forbidden', message: 'agents may not write layout' });
  });

  it('streamed tokens join in index order whatever order they arrive in, and repeats do not duplicate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (pieces, seed) => {
          const events = pieces.map((text, index) => ev('chat_token', { turn_id: 't', index, text }));
          // a seeded shuffle plus one replayed token
          const shuffled = [...events];
          let s = seed;
          for (let i = shuffled.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            const j = s % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          shuffled.push(events[0]!);
          const [turn] = fold(shuffled);
          expect(turn?.output).toBe(pieces.join(''));
          expect(turn?.status).toBe('streaming');
        },
      ),
    );
  });

  it('a cancelled turn is never moved back by late telemetry', () => {
    const [turn] = fold([
      ev('turn_accepted', { turn_id: 't3' }),
      ev('turn_cancelled', { turn_id: 't3', reason: 'user' }),
      ev('chat_token', { turn_id: 't3', index: 0, text: 'late' }),
      ev('turn_final', { turn_id: 't3', text: 'late final' }),
    ]);
    expect(turn?.status).toBe('cancelled');
    expect(turn?.cancelReason).toBe('user');
  });

  it('ignores other events and events without a turn id (same array back)', () => {
    const start = fold([ev('turn_accepted', { turn_id: 't4' })]);
    expect(reduceTurns(start, ev('token_patch', { token_id: 'x' }))).toBe(start);
    expect(reduceTurns(start, ev('chat_token', { index: 0, text: 'x' }))).toBe(start);
  });

  it('takes the turn id from the envelope when the payload lacks it', () => {
    const [turn] = fold([ev('model_status', { model: 'm', status: 'ready' }, { turn_id: 't5' })]);
    expect(turn?.turnId).toBe('t5');
  });
});
