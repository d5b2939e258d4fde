import { afterEach } from 'vitest';
import { MemoryBus } from '../../../bus/MemoryBus.ts';
import { harnessPerTest, type PerTestHarness } from '../../../core/testing/coreHarness.ts';
import { mustOpen } from '../../../spine/sqliteTestHarness.ts';
import { LocalModel, type LocalModelOptions } from '../../models/LocalModel.ts';
import { ModelPool } from '../../models/ModelPool.ts';
import { InteractionManager } from '../InteractionManager.ts';

/** A fresh core per test (SQLite file, memory bus) and the turn manager started on it. */
export interface TurnsHarness {
  readonly h: PerTestHarness;
  /**
   * Starts the manager (closed after the test) with the local model at `local`'s pace, or with
   * `extra.pool` as it is; `extra.model` picks the pool's model.
   */
  start(local?: LocalModelOptions, extra?: { model?: string; pool?: ModelPool }): Promise<InteractionManager>;
}

/** Registers the per-test hooks; call once at the top of a test file. */
export function turnsHarnessPerTest(): TurnsHarness {
  const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
  let manager: InteractionManager | null = null;
  afterEach(async () => {
    await manager?.close();
    manager = null;
  });
  return {
    h,
    async start(local = { tokenDelayMs: 0 }, extra = {}) {
      const pool = extra.pool ?? new ModelPool();
      if (!extra.pool) pool.register('local', () => new LocalModel(local));
      manager = await InteractionManager.start({ core: h.core, pool, ...(extra.model ? { model: extra.model } : {}) });
      return manager;
    },
  };
}
