import type { AnyCanvasCartridge } from '@easel/harness';
import type { ActorId } from '../actors/actors.ts';
import type { HostFetch } from '../bootstrap/HostError.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import { FlowView } from './FlowView.tsx';
import { HostActions } from './HostActions.tsx';
import { HostFrame } from './HostFrame.tsx';
import { SessionError, SessionLoading } from './SessionStatus.tsx';
import { useFlowSession } from './useFlowSession.ts';

/** Opens the flow for the actor and shows loading, error (with retry) or the flow itself. */
export function FlowSessionView(props: {
  baseUrl: string;
  flow: Flow;
  flows: readonly Flow[];
  location: HostLocation;
  actor: ActorId;
  navigate: (next: Partial<HostLocation>, replace?: boolean) => void;
  /** Cartridges by canvas type. Default: `hostCartridges`. */
  cartridges?: Readonly<Record<string, AnyCanvasCartridge>>;
  /** The session's `fetch` (tests pass an in-memory gateway's); keep it stable, a new one reopens the session. Default: the global `fetch`. */
  fetch?: HostFetch;
}) {
  const { state, retry } = useFlowSession(props.baseUrl, props.flow, props.actor, props.location.user, {
    canvas: props.location.canvas,
    ...(props.fetch ? { fetch: props.fetch } : {}),
  });
  const title = props.flow.title ?? props.flow.name;
  if (state.status === 'ready') {
    return (
      <FlowView
        baseUrl={props.baseUrl}
        session={state.session}
        flows={props.flows}
        location={props.location}
        navigate={props.navigate}
        {...(props.cartridges ? { cartridges: props.cartridges } : {})}
      />
    );
  }
  const actions = (
    <HostActions flows={props.flows} location={props.location} actor={props.actor} navigate={props.navigate} />
  );
  return (
    <HostFrame title={title} actions={actions}>
      {state.status === 'loading' ? (
        <SessionLoading step={state.step} flowTitle={title} />
      ) : (
        <SessionError error={state.error} onRetry={retry} />
      )}
    </HostFrame>
  );
}
