import type { PluginHealth, PluginInspector } from '@easel/schemas';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { HarnessError } from '../lib/HarnessResult.ts';
import { useHarness } from '../provider/HarnessContext.ts';

/** `usePlugins()`: every plugin's health (loaded when the first one mounts, kept live by `plugin_status`), inspector on demand. */
export interface PluginsView {
  readonly plugins: readonly PluginHealth[];
  readonly loading: boolean;
  readonly error: HarnessError | null;
  /** `GET /v1/plugins/{name}`; null when it could not be had. */
  inspect(name: string): Promise<PluginInspector | null>;
  refresh(): void;
}

export function usePlugins(): PluginsView {
  const stores = useHarness();
  useEffect(() => stores.ensurePlugins(), [stores]);
  const state = useSyncExternalStore(stores.plugins.subscribe, stores.plugins.getSnapshot, stores.plugins.getSnapshot);
  const inspect = useCallback(
    async (name: string) => {
      const result = await stores.api.inspectPlugin(name);
      return result.ok ? result.value : null;
    },
    [stores],
  );
  const refresh = useCallback(() => stores.reloadPlugins(), [stores]);
  return useMemo(
    () => ({ plugins: state.plugins, loading: state.loading, error: state.error, inspect, refresh }),
    [state, inspect, refresh],
  );
}
