import type { RunEvent } from '@easel/schemas';
import { useEffect, useState } from 'react';
import type { RunStreamStatus } from '../api/HarnessApi.ts';
import { useHarness } from '../provider/HarnessContext.ts';
import { ExternalStore } from '../stores/ExternalStore.ts';
import { useSyncExternalStore } from 'react';

type Verdict = Extract<RunEvent, { kind: 'verdict' }>;

/** `useRunStream(runId)`: one run's events (bounded), its verdict and the stream's status. */
export interface RunStreamView {
  readonly runId: string | null;
  readonly events: readonly RunEvent[];
  readonly verdict: Verdict | null;
  readonly status: RunStreamStatus;
  readonly error: string | null;
}

/** Most run events kept. */
export const MAX_RUN_EVENTS = 1000;

const IDLE: RunStreamView = { runId: null, events: [], verdict: null, status: 'idle', error: null };

/** Follows `/v1/runs/{runId}/events` through the provider's API; `null` follows nothing. */
export function useRunStream(runId: string | null): RunStreamView {
  const { api } = useHarness();
  const [store] = useState(() => new ExternalStore<RunStreamView>(IDLE));
  useEffect(() => {
    if (runId === null) {
      store.set(IDLE);
      return;
    }
    store.set({ runId, events: [], verdict: null, status: 'connecting', error: null });
    return api.subscribeRun(runId, {
      onEvent: (event) =>
        store.update((view) => {
          const events = [...view.events, event];
          return {
            ...view,
            events: events.length > MAX_RUN_EVENTS ? events.slice(events.length - MAX_RUN_EVENTS) : events,
            verdict: event.kind === 'verdict' ? event : view.verdict,
          };
        }),
      onStatus: (status, error) => store.update((view) => ({ ...view, status, error: error ?? null })),
    });
  }, [api, runId, store]);
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return view.runId === runId ? view : runId === null ? IDLE : { ...IDLE, runId, status: 'connecting' };
}
