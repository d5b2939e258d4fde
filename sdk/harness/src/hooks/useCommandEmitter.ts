import { useMemo } from 'react';
import type { CommandEmitter } from '../cartridge/defineCanvas.ts';
import { createCommandEmitter } from '../cartridge/createCommandEmitter.ts';
import { useHarness } from '../provider/HarnessContext.ts';

/** The command emitter canvases get (stable per provider). */
export function useCommandEmitter(): CommandEmitter {
  const stores = useHarness();
  return useMemo(() => createCommandEmitter(stores), [stores]);
}
