import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ok } from '../lib/Result.ts';
import { Turn, type TurnFeed, type TurnView } from './Turn.ts';

function makeTurn(): { turn: Turn; feed: TurnFeed; cancels: string[] } {
  let feed!: TurnFeed;
  const cancels: string[] = [];
  const turn = new Turn(
    't1',
    async (id) => {
      cancels.push(id);
      return ok({ status: 'committed', cursor: 'e-1', revision: 0, commandId: 'c' });
    },
    (f) => {
      feed = f;
    },
  );
  return { turn, feed, cancels };
}

async function collect(turn: Turn): Promise<string[]> {
  const out: string[] = [];
  for await (const delta of turn.tokens) out.push(delta);
  return out;
}

/** A text split into 1..n non-empty pieces. */
const pieces = fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 });

describe('Turn', () => {
  it('[CONTRACT 4] replayed tokens never double the text, and the deltas add up to the final text', async () => {
    await fc.assert(
      fc.asyncProperty(pieces, fc.array(fc.nat(), { maxLength: 40 }), fc.nat(), async (parts, replays, keep) => {
        const { turn, feed } = makeTurn();
        const delivered = parts.slice(0, keep % (parts.length + 1)); // the stream may miss the tail
        let r = 0;
        delivered.forEach((text, index) => {
          feed.token(index, text);
          // Replays of earlier indexes (a reconnect, a repeated frame) arrive in between.
          while (r < replays.length && replays[r]! % 3 === 0) {
            const old = replays[r]! % (index + 1);
            feed.token(old, delivered[old]!);
            r += 1;
          }
          r += 1;
        });
        const full = parts.join('');
        feed.final(full, null);
        feed.ended({ status: 'committed', revision: 3 });
        expect(turn.text).toBe(full);
        expect((await collect(turn)).join('')).toBe(full);
        expect(await turn.final).toBe(full);
        expect(await turn.outcome).toEqual({ status: 'committed', revision: 3 });
      }),
      { numRuns: 200 },
    );
  });

  it('[CONTRACT 4] tokens after the final text or the outcome are ignored', async () => {
    const { turn, feed } = makeTurn();
    feed.token(0, 'a');
    feed.final('ab', null);
    feed.token(1, 'zzz');
    feed.ended({ status: 'cancelled', reason: 'late' });
    feed.ended({ status: 'committed', revision: 9 });
    expect(turn.text).toBe('ab');
    expect(await turn.outcome).toEqual({ status: 'cancelled', reason: 'late' });
    expect(await collect(turn)).toEqual(['a', 'b']);
  });

  it('views are immutable snapshots, a new object on every change', () => {
    const { turn, feed } = makeTurn();
    const views: TurnView[] = [];
    turn.onChange((v) => views.push(v));
    const first = turn.view;
    feed.accepted('hi', { id: 'ann', kind: 'human' }, 's1');
    feed.model('local', 'loading');
    feed.token(0, 'x');
    feed.markOwn();
    expect(first).toMatchObject({ prompt: null, text: '', own: false, status: 'accepted' });
    expect(views.map((v) => v.status)).toEqual(['accepted', 'accepted', 'streaming', 'streaming']);
    expect(turn.view).toMatchObject({ prompt: 'hi', sessionId: 's1', text: 'x', own: true, model: { name: 'local' } });
    expect(new Set(views).size).toBe(4);
  });

  it('cancel() asks the chat client to send turn.cancel for this turn', async () => {
    const { turn, cancels } = makeTurn();
    expect((await turn.cancel()).ok).toBe(true);
    expect(cancels).toEqual(['t1']);
  });
});
