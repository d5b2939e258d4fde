import {
  type AnyCanvasCartridge,
  ChatRail,
  ConsoleTemplate,
  createHarnessApi,
  EaselProvider,
  type LensCanvas,
  SplitTemplate,
  StudioTemplate,
} from '@easel/harness';
import { useCallback, useMemo } from 'react';
import { flowCanvasScope } from '../bootstrap/prepareFlow.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import type { FlowSession } from '../session/openFlowSession.ts';
import { agentCanvasId } from '../session/shownCanvasIds.ts';
import { AgentPrompt } from './AgentPrompt.tsx';
import { ConnectionToast } from './ConnectionToast.tsx';
import { HostActions } from './HostActions.tsx';
import { HostSessionContext } from './HostSession.ts';
import { hostCartridges } from './hostCartridges.tsx';
import { canvasParam, UnknownCanvasNote } from './UnknownCanvasNote.tsx';
import { unknownCartridge } from './unknownCartridge.tsx';

/**
 * An open flow: one `EaselProvider` around the agent's canvas (the outer one, with the project's
 * realtime client and the HTTP API), and the flow's template mounting every canvas on its own
 * transport. The host's controls sit in the template's top bar. A link whose `?canvas=` names no
 * canvas of the flow opens the first one, with a note saying so.
 */
export function FlowView(props: {
  baseUrl: string;
  session: FlowSession;
  flows: readonly Flow[];
  location: HostLocation;
  navigate: (next: Partial<HostLocation>, replace?: boolean) => void;
  /** Cartridges by canvas type. Default: `hostCartridges`. */
  cartridges?: Readonly<Record<string, AnyCanvasCartridge>>;
}) {
  const { session, location, navigate, baseUrl, cartridges = hostCartridges } = props;
  const { flow } = session;
  const canvases = useMemo<LensCanvas[]>(
    () =>
      session.canvases.map(({ canvas, transport }) => ({
        canvasId: canvas.canvas_id,
        title: canvas.title,
        cartridge: cartridges[canvas.canvas_type] ?? unknownCartridge(canvas.canvas_type, canvas.title),
        transport,
      })),
    [session, cartridges],
  );
  // `useFlowSession` opened this canvas's stream (see `shownCanvasIds`).
  const agentId = agentCanvasId(flow);
  const target = canvases.find((c) => c.canvasId === agentId) ?? canvases[0]!;
  const api = useMemo(
    () =>
      createHarnessApi({
        baseUrl,
        token: session.token,
        scope: flowCanvasScope(flow, target.canvasId),
        ...(session.fetch ? { fetch: session.fetch } : {}),
      }),
    [baseUrl, session, flow, target],
  );
  const selectCanvas = useCallback((canvasId: string) => navigate({ canvas: canvasId }, true), [navigate]);
  const hostSession = useMemo(() => ({ baseUrl, token: session.token }), [baseUrl, session]);
  const title = flow.title ?? flow.name;
  const agentName = flow.agent?.name ?? 'the agent';
  const actions = <HostActions flows={props.flows} location={location} actor={session.actor} navigate={navigate} />;
  const compactPrompt = flow.agent ? <AgentPrompt prompt={flow.agent.prompt} agentName={agentName} compact /> : null;
  return (
    <HostSessionContext.Provider value={hostSession}>
      <EaselProvider transport={target.transport} realtime={session.realtime} api={api}>
        <div className="host-session" data-flow={flow.name} data-actor={session.actor} data-testid="host-session">
          {flow.template === 'studio' ? (
            <StudioTemplate
              canvases={canvases}
              selectedId={location.canvas}
              onSelect={selectCanvas}
              title={title}
              actions={actions}
              chat={
                <ChatRail
                  title={flow.agent?.name ?? 'Agent'}
                  placeholder={flow.agent ? `Ask ${agentName}, e.g. “${flow.agent.prompt}”` : 'Ask the agent…'}
                />
              }
              context={
                <div className="host-context">
                  {flow.description ? <p className="host-context__text">{flow.description}</p> : null}
                  {flow.agent ? <AgentPrompt prompt={flow.agent.prompt} agentName={agentName} /> : null}
                </div>
              }
            />
          ) : flow.template === 'split' ? (
            <SplitTemplate
              canvases={canvases}
              title={title}
              actions={
                <>
                  {compactPrompt}
                  {actions}
                </>
              }
            />
          ) : (
            <ConsoleTemplate
              canvases={canvases}
              selectedId={location.canvas}
              onSelect={selectCanvas}
              title={title}
              actions={
                <>
                  {compactPrompt}
                  {actions}
                </>
              }
            />
          )}
        </div>
        <UnknownCanvasNote flow={flow} requested={location.canvas ?? canvasParam(window.location.search)} />
        <ConnectionToast />
      </EaselProvider>
    </HostSessionContext.Provider>
  );
}
