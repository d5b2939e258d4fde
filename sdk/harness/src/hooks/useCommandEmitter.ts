import { useEffect, useMemo } from 'react';
import type { CommandEmitter } from '../cartridge/defineCanvas.ts';
import { createCommandEmitter } from '../cartridge/createCommandEmitter.ts';
import { dropQueuedEdits } from '../cartridge/editWhenHydrated.ts';
import { useHarness } from '../provider/HarnessContext.ts';

/** The command emitter canvases get (stable per provider). */
export function useCommandEmitter(): CommandEmitter {
  const stores = useHarness();
  const emit = useMemo(() => createCommandEmitter(stores), [stores]);
  // Unmounted: its `edit`s still waiting for the document (paint first) are dropped.
  useEffect(() => () => dropQueuedEdits(stores.transport, emit), [stores, emit]);
  return emit;
}
