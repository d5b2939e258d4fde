import { HarnessStyles } from '@easel/harness';
import { type ReactNode, useEffect, useMemo } from 'react';
import { bundledFlows } from '../flows/bundledFlows.ts';
import { type FlowCatalog, pickFlow } from '../flows/flowCatalog.ts';
import { FlowSessionView } from './FlowSessionView.tsx';
import { ActorPicker } from './ActorPicker.tsx';
import { documentTitle } from './documentTitle.ts';
import { HostFrame } from './HostFrame.tsx';
import { SessionError } from './SessionStatus.tsx';
import { useHostLocation } from './useHostLocation.ts';

/**
 * The host app. The URL is the state: no actor → the picker; an unknown or invalid flow → an
 * error naming the flows there are; else the flow, opened for the actor.
 */
export function App(props: { catalog?: FlowCatalog; baseUrl?: string }) {
  const catalog = props.catalog ?? bundledFlows;
  const baseUrl = props.baseUrl ?? window.location.origin;
  const [location, navigate] = useHostLocation();
  const flows = useMemo(() => [...catalog.flows.values()], [catalog]);
  const picked = pickFlow(catalog, location.flow);
  const title =
    location.actor === null || flows.length === 0
      ? documentTitle({ kind: 'picker' })
      : picked.ok
        ? documentTitle({
            kind: 'flow',
            flowTitle: picked.value.title ?? picked.value.name,
            actor: location.actor,
            user: location.user,
          })
        : documentTitle({ kind: 'unknown-flow', flow: location.flow });
  useEffect(() => {
    document.title = title;
  }, [title]);
  let body: ReactNode;
  if (flows.length === 0) {
    body = (
      <HostFrame>
        <SessionError
          title="No flows"
          error={{
            code: 'protocol',
            message: `No usable flow in host/flows${catalog.errors.length > 0 ? `: ${catalog.errors.map((e) => e.message).join('; ')}` : ''}.`,
          }}
        />
      </HostFrame>
    );
  } else if (location.actor === null) {
    body = (
      <HostFrame>
        <ActorPicker
          flows={flows}
          location={location}
          onPick={(actor, flow) => navigate({ actor, flow, canvas: null })}
          onSelectFlow={(flow) => navigate({ flow, canvas: null }, true)}
        />
      </HostFrame>
    );
  } else if (!picked.ok) {
    body = (
      <HostFrame actor={location.actor}>
        <SessionError title="Unknown flow" error={{ code: 'refused', message: picked.error.message }}>
          <ul className="host-links">
            {flows.map((flow) => (
              <li key={flow.name}>
                <button type="button" className="host-link" onClick={() => navigate({ flow: flow.name, canvas: null })}>
                  Open “{flow.title ?? flow.name}”
                </button>
              </li>
            ))}
          </ul>
        </SessionError>
      </HostFrame>
    );
  } else {
    body = (
      <FlowSessionView
        key={`${location.actor}/${picked.value.name}/${location.user ?? ''}`}
        baseUrl={baseUrl}
        flow={picked.value}
        flows={flows}
        location={location}
        actor={location.actor}
        navigate={navigate}
      />
    );
  }
  return (
    <>
      <HarnessStyles />
      {body}
    </>
  );
}
