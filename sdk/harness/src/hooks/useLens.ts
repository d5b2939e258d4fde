import { useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';
import type { LensState } from '../stores/HarnessStores.ts';

export type { LensState };

/** The caller's roles and effective permissions in the project (loading, ready or error). */
export function useLens(): LensState {
  const { lens } = useHarness();
  return useSyncExternalStore(lens.subscribe, lens.getSnapshot, lens.getSnapshot);
}
