import { useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';
import type { CanvasMeta } from '../stores/HarnessStores.ts';

export type { CanvasMeta };

/** Canvas id, type, manifest, revision and whether CANVAS_READY arrived. */
export function useCanvasMeta(): CanvasMeta {
  const { meta } = useHarness();
  return useSyncExternalStore(meta.subscribe, meta.getSnapshot, meta.getSnapshot);
}
