import { useMemo, useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';
import type { TimelineEntry } from '../stores/TimelineEntry.ts';

export interface RealtimeOptions {
  /** Most entries returned (the newest). Default 100; the provider keeps at most 500. */
  limit?: number;
  /** Only these event types (e.g. `['progress', 'job_completed']`). Default: all. */
  types?: readonly string[];
}

/**
 * The live event feed, newest last: the project's realtime timeline when the provider has one,
 * plus the canvas stream (deduplicated by event id).
 */
export function useRealtime(options: RealtimeOptions = {}): readonly TimelineEntry[] {
  const { timeline } = useHarness();
  const entries = useSyncExternalStore(timeline.subscribe, timeline.getSnapshot, timeline.getSnapshot);
  const limit = options.limit ?? 100;
  const typesKey = options.types?.join('\u0000') ?? null;
  return useMemo(() => {
    const types = typesKey === null ? null : new Set(typesKey.split('\u0000'));
    const filtered = types === null ? entries : entries.filter((e) => types.has(e.type));
    return filtered.length > limit ? filtered.slice(filtered.length - limit) : filtered;
  }, [entries, limit, typesKey]);
}
