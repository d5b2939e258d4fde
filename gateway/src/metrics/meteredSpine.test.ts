import { describe, expect, it } from 'vitest';
import { MemorySpine } from '../core/testing/MemorySpine.ts';
import { createMetrics } from './createMetrics.ts';
import { meteredSpine } from './meteredSpine.ts';

describe('meteredSpine', () => {
  it('[CONTRACT 11] counts durable appends and passes every other member through to the spine', async () => {
    const inner = new MemorySpine('abcdefgh');
    const metrics = createMetrics({ processMetrics: false });
    const spine = meteredSpine(inner, metrics);
    expect(spine.epoch).toBe('abcdefgh');
    expect(spine.writers).toBe(inner.writers);
    const appended = spine.append({
      partition: 't/p',
      events: [
        { type: 'x', canvasId: null, envelope: '{"v":1}' },
        { type: 'x', canvasId: null, envelope: '{"v":2}' },
      ],
      commandId: 'c1',
      outcome: (seq) => ({ cursor: `e-${seq}`, revision: 1 }),
    });
    expect(appended.seqs).toEqual([1, 2]);
    await appended.durable;
    expect(await spine.lookupCommand('t/p', 'c1')).toEqual({ cursor: 'e-2', revision: 1 });
    expect((await spine.read('t/p', 0)).map((e) => e.seq)).toEqual([1, 2]);
    expect(await spine.head('t/p')).toBe(2);
    const text = (await metrics.render()).body;
    expect(text).toMatch(/^easel_appends_total 2$/m);
    expect(text).toMatch(/^easel_append_batch_size_count 1$/m);
    // Methods are bound once: the same function on every read.
    expect(spine.read).toBe(spine.read);
    await spine.close();
  });

  it('[CONTRACT 11] a failed append is not counted', async () => {
    const inner = new MemorySpine('abcdefgh');
    const metrics = createMetrics({ processMetrics: false });
    const spine = meteredSpine(inner, metrics);
    inner.failNextCommit();
    const failed = spine.append({ partition: 't/p', events: [{ type: 'x', canvasId: null, envelope: '{}' }] });
    await expect(failed.durable).rejects.toBeDefined();
    expect((await metrics.render()).body).toMatch(/^easel_appends_total 0$/m);
  });
});
