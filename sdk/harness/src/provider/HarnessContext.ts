import { createContext, useContext } from 'react';
import type { HarnessStores } from '../stores/HarnessStores.ts';

export const HarnessContext = createContext<HarnessStores | null>(null);

/** The provider's stores; a hook used outside `<EaselProvider>` is a programmer error. */
export function useHarness(): HarnessStores {
  const stores = useContext(HarnessContext);
  if (stores === null) throw new Error('Easel hooks must be used inside <EaselProvider>');
  return stores;
}
