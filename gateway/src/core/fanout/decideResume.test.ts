import { encodeCursor } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideResume } from './decideResume.ts';

const log = { epoch: 'epocha01', floor: 1, head: 10 };

describe('decideResume', () => {
  it('[CONTRACT 4] no cursor starts fresh', () => {
    expect(decideResume(undefined, log)).toEqual({ kind: 'fresh' });
    expect(decideResume(null, log)).toEqual({ kind: 'fresh' });
    expect(decideResume('', log)).toEqual({ kind: 'fresh' });
  });

  it('[CONTRACT 4] a cursor of the current epoch within the log resumes after it', () => {
    expect(decideResume(encodeCursor({ epoch: 'epocha01', seq: 4 }), log)).toEqual({ kind: 'resume', afterSeq: 4 });
    expect(decideResume(encodeCursor({ epoch: 'epocha01', seq: 0 }), log)).toEqual({ kind: 'resume', afterSeq: 0 });
    expect(decideResume(encodeCursor({ epoch: 'epocha01', seq: 10 }), log)).toEqual({ kind: 'resume', afterSeq: 10 });
  });

  it('[CONTRACT 4] a cursor from another epoch (a wiped log) resets', () => {
    expect(decideResume(encodeCursor({ epoch: 'epochb02', seq: 4 }), log)).toEqual({
      kind: 'reset',
      why: 'other_epoch',
    });
  });

  it('[CONTRACT 4] a cursor older than the retained history resets; the one just below the floor resumes', () => {
    const compacted = { ...log, floor: 6 };
    expect(decideResume(encodeCursor({ epoch: 'epocha01', seq: 4 }), compacted)).toEqual({
      kind: 'reset',
      why: 'compacted',
    });
    expect(decideResume(encodeCursor({ epoch: 'epocha01', seq: 5 }), compacted)).toEqual({
      kind: 'resume',
      afterSeq: 5,
    });
  });

  it('[CONTRACT 4] a cursor beyond the head resets', () => {
    expect(decideResume(encodeCursor({ epoch: 'epocha01', seq: 11 }), log)).toEqual({ kind: 'reset', why: 'ahead' });
  });

  it('[CONTRACT 4] junk never throws and resets as malformed', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (junk) => {
        const plan = decideResume(junk, log);
        if (plan.kind === 'reset') expect(['malformed', 'other_epoch', 'compacted', 'ahead']).toContain(plan.why);
        else expect(plan.kind).toBe('resume');
      }),
      { numRuns: 200 },
    );
    expect(decideResume('not a cursor', log)).toEqual({ kind: 'reset', why: 'malformed' });
  });

  it('resumes exactly the cursors in [floor-1, head] of the epoch', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(120), (floorRaw, extra, seq) => {
        const floor = floorRaw + 1;
        const head = floor - 1 + extra;
        const plan = decideResume(encodeCursor({ epoch: 'epocha01', seq }), { epoch: 'epocha01', floor, head });
        const expected = seq >= floor - 1 && seq <= head;
        expect(plan.kind === 'resume').toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
