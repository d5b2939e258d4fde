import { describeSpineContract } from '../spine/spineContract.ts';
import { MemorySpine } from './MemorySpine.ts';

// The same contract suite the SQLite spine runs: the test double must behave like the real one.
describeSpineContract('MemorySpine', async () => {
  const spine = new MemorySpine();
  return {
    spine,
    cleanup: async () => {
      await spine.close().catch(() => {});
    },
  };
});
