import { useEffect, useMemo } from 'react';
import type { CommandEmitter } from '../cartridge/defineCanvas.ts';
import { type CommandEmitterOptions, createCommandEmitter } from '../cartridge/createCommandEmitter.ts';
import { dropQueuedEdits } from '../cartridge/editWhenHydrated.ts';
import { useHarness } from '../provider/HarnessContext.ts';

/**
 * The command emitter canvases get (stable per provider). A surface that shows its own refusals
 * passes `shownBy` (CanvasHost's banner then does not repeat them).
 */
export function useCommandEmitter(options: CommandEmitterOptions = {}): CommandEmitter {
  const stores = useHarness();
  const { shownBy } = options;
  const emit = useMemo(() => createCommandEmitter(stores, shownBy === undefined ? {} : { shownBy }), [stores, shownBy]);
  // Unmounted: its `edit`s still waiting for the document (paint first) are dropped.
  useEffect(() => () => dropQueuedEdits(stores.transport, emit), [stores, emit]);
  return emit;
}
