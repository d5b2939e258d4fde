import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf } from '../testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

describe('canvas.commit while others keep editing', () => {
  // Found by gateway/test/convergence.test.ts: a commit prepares its snapshot asynchronously and
  // was retried only while nothing else changed the canvas meanwhile; three concurrent writers
  // made it fail with 409 "the canvas kept changing" although it carried no expected_revision.
  it('[CONTRACT 5] a commit without expected_revision commits under a steady stream of edits (no 409)', async () => {
    const created = await h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }));
    expect(created.ok).toBe(true);
    let settled = 0;
    const commits = Array.from({ length: 5 }, (_, i) =>
      h.core.submit(ADMIN, command('canvas.commit', scopeOf('c1'), { message: `m${i}` })).finally(() => {
        settled += 1;
      }),
    );
    // Three writers, each with one command in flight at a time, until every commit answered (bounded).
    const writer = async (w: number) => {
      for (let i = 0; i < 400 && settled < commits.length; i++) {
        const r = await h.core.submit(
          EDITOR,
          command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: `w${w}-${i}` }),
        );
        expect(r.ok).toBe(true);
      }
    };
    await Promise.all([writer(1), writer(2), writer(3)]);
    const outcomes = await Promise.all(commits);
    for (const outcome of outcomes) expect(outcome.ok ? 'committed' : outcome.error).toBe('committed');
    // Each commit labels the revision that was current when it was applied (a real revert target).
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      const revert = await h.core.submit(
        ADMIN,
        command('canvas.revert', scopeOf('c1'), { revision: outcome.value.revision }),
      );
      expect(revert.ok, JSON.stringify(revert)).toBe(true);
    }
  });
});
