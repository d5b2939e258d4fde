import { useCallback, useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';
import type { RejectedView } from '../stores/HarnessStores.ts';

export type { RejectedView };

/** The last refused write on this canvas (a reverted local edit or a refused command), and a dismiss. */
export function useRejectedEdit(): { rejected: RejectedView | null; dismiss(): void } {
  const { rejected } = useHarness();
  const value = useSyncExternalStore(rejected.subscribe, rejected.getSnapshot, rejected.getSnapshot);
  const dismiss = useCallback(() => rejected.set(null), [rejected]);
  return { rejected: value, dismiss };
}
