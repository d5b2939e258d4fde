import { useCallback, useEffect, useState } from 'react';
import type { ActorId } from '../actors/actors.ts';
import type { HostError } from '../bootstrap/HostError.ts';
import type { Flow } from '../flows/flowSchema.ts';
import { type FlowSession, openFlowSession, type SessionStep } from '../session/openFlowSession.ts';

export type FlowSessionState =
  | { status: 'loading'; step: SessionStep | null }
  | { status: 'error'; error: HostError }
  | { status: 'ready'; session: FlowSession };

/** Opens `flow` for `actor` on mount (and again on `retry`); closes the session on unmount. */
export function useFlowSession(
  baseUrl: string,
  flow: Flow,
  actor: ActorId,
  user: string | null,
): { state: FlowSessionState; retry: () => void } {
  const [state, setState] = useState<FlowSessionState>({ status: 'loading', step: null });
  const [attempt, setAttempt] = useState(0);
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
      setState({ status: 'ready', session: result.value });
    });
    return () => {
      cancelled = true;
      opened?.close();
    };
  }, [baseUrl, flow, actor, user, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}
