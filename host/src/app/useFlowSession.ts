import { useCallback, useEffect, useRef, useState } from 'react';
import type { ActorId } from '../actors/actors.ts';
import type { HostError, HostFetch } from '../bootstrap/HostError.ts';
import type { Flow } from '../flows/flowSchema.ts';
import { type FlowSession, openFlowSession, type SessionStep } from '../session/openFlowSession.ts';
import { shownCanvasIds } from '../session/shownCanvasIds.ts';

export type FlowSessionState =
  | { status: 'loading'; step: SessionStep | null }
  | { status: 'error'; error: HostError }
  | { status: 'ready'; session: FlowSession };

/** Options of {@link useFlowSession}. */
export interface UseFlowSessionOptions {
  /**
   * The canvas in focus (`?canvas=`): its stream opens with the session. Read when the session
   * opens; changing it does not reopen the session. Default null (the flow's first canvas).
   */
  canvas?: string | null;
  /** The `fetch` the session uses (tests pass an in-memory gateway's); a new one reopens the session. Default: the global `fetch`. */
  fetch?: HostFetch;
}

/**
 * Opens `flow` for `actor` on mount (and again on `retry`); closes the session on unmount. The
 * streams of the canvases the first render shows (and the realtime client) are opened as soon as
 * the session is, before React renders the flow: their snapshots are in flight while it does.
 */
export function useFlowSession(
  baseUrl: string,
  flow: Flow,
  actor: ActorId,
  user: string | null,
  options: UseFlowSessionOptions = {},
): { state: FlowSessionState; retry: () => void } {
  const [state, setState] = useState<FlowSessionState>({ status: 'loading', step: null });
  const [attempt, setAttempt] = useState(0);
  const canvas = useRef(options.canvas ?? null);
  canvas.current = options.canvas ?? null;
  const fetchImpl = options.fetch;
  useEffect(() => {
    // `attempt` re-runs the effect on retry.
    void attempt;
    let cancelled = false;
    let opened: FlowSession | null = null;
    setState({ status: 'loading', step: null });
    void openFlowSession({
      baseUrl,
      flow,
      actor,
      user,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
      onStep: (step) => {
        if (!cancelled) setState({ status: 'loading', step });
      },
    }).then((result) => {
      if (!result.ok) {
        if (!cancelled) setState({ status: 'error', error: result.error });
        return;
      }
      if (cancelled) {
        result.value.close();
        return;
      }
      opened = result.value;
      // Before React renders the flow (a StrictMode re-run closed the earlier session unconnected).
      opened.connect(shownCanvasIds(flow, canvas.current));
      setState({ status: 'ready', session: result.value });
    });
    return () => {
      cancelled = true;
      opened?.close();
    };
  }, [baseUrl, flow, actor, user, attempt, fetchImpl]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}
