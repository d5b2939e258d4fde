import type { ConnectionStatus } from '@easel/transport';
import { useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';

/** The canvas stream's status: `connecting`, `open`, `reconnecting`, `offline`, `closed`, `unauthorized`, `forbidden`. */
export function useConnectionStatus(): ConnectionStatus {
  const { status } = useHarness();
  return useSyncExternalStore(status.subscribe, status.getSnapshot, status.getSnapshot);
}
