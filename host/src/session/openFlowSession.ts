import { CanvasTransport, type CanvasTransportOptions, type RealtimeClient } from '@easel/transport';
import { ACTORS, type ActorId } from '../actors/actors.ts';
import { devTokenSource, mintDevToken } from '../bootstrap/devTokens.ts';
import type { HostFetch, HostResult } from '../bootstrap/HostError.ts';
import { flowCanvasScope, HOST_SCOPE, type PreparedFlow, prepareFlow } from '../bootstrap/prepareFlow.ts';
import type { Flow, FlowCanvas } from '../flows/flowSchema.ts';

/** One canvas of an open flow: its declaration and its own transport (not connected until {@link FlowSession.connect} or its provider mounts). */
export interface SessionCanvas {
  readonly canvas: FlowCanvas;
  readonly transport: CanvasTransport;
}

/** A flow opened for one actor: a transport per canvas, the project's realtime client, the token. */
export interface FlowSession {
  readonly flow: Flow;
  readonly actor: ActorId;
  /** The `sub` the actor's dev token carries. */
  readonly sub: string;
  /** The actor's token source (re-mints before expiry); share it with `createHarnessApi`. */
  readonly token: () => Promise<string>;
  readonly canvases: readonly SessionCanvas[];
  /** The project's timeline (`/v1/realtime`), not connected yet. */
  readonly realtime: RealtimeClient;
  readonly prepared: PreparedFlow;
  /** The `fetch` the session was opened with (its HTTP clients use it too); undefined: the global one. */
  readonly fetch: HostFetch | undefined;
  /**
   * Opens the realtime client and the streams of `canvasIds` (default: every canvas) now, before
   * React mounts them, so their snapshots are in flight while the page renders (the providers'
   * own `connect()` on mount is then a no-op). Idempotent; does nothing once closed (a closed
   * transport would otherwise reconnect).
   */
  connect(canvasIds?: readonly string[]): void;
  /** Closes every transport and the realtime client; later `connect` calls do nothing. */
  close(): void;
}

/** Which step the bootstrap is at (the loading state names it). */
export type SessionStep = 'actor-token' | 'prepare-flow' | 'transports';

/** Options of {@link openFlowSession}. */
export interface OpenFlowSessionOptions {
  /** Gateway origin (`window.location.origin` in the browser: the gateway serves the host). */
  baseUrl: string;
  flow: Flow;
  actor: ActorId;
  /** Replaces the actor's default `sub` (a second person with the same role). */
  user?: string | null;
  onStep?: (step: SessionStep) => void;
  fetch?: HostFetch;
  /** Extra transport options (tests pass short backoff tiers). */
  transport?: Partial<Omit<CanvasTransportOptions, 'baseUrl' | 'token' | 'scope'>>;
}

/**
 * Opens a flow for an actor (dev mode): mints the actor's dev token (the only token the page
 * holds), creates the flow's missing canvases with it when its lens allows (canvas types are
 * registered server side by `easel dev`), and builds one `CanvasTransport` per canvas plus the
 * project's realtime client. Nothing is connected yet: call `connect` (the host does as soon as the
 * session is open, see `useFlowSession`), else the `EaselProvider`s connect what they mount.
 * Failures are values naming the step.
 */
export async function openFlowSession(options: OpenFlowSessionOptions): Promise<HostResult<FlowSession>> {
  const { baseUrl, flow } = options;
  const step = options.onStep ?? (() => {});
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  step('actor-token');
  const profile = ACTORS[options.actor];
  const sub = options.user ?? profile.sub;
  const request = {
    sub,
    name: options.user ? options.user : profile.name,
    roles: profile.roles,
    kind: profile.kind,
    tenant_id: HOST_SCOPE.tenant_id,
    ttl_seconds: 12 * 3600,
  };
  const first = await mintDevToken(baseUrl, request, options.fetch);
  if (!first.ok) return first;
  const token = devTokenSource(baseUrl, request, { ...fetchOption, initial: first.value });
  step('prepare-flow');
  const prepared = await prepareFlow({ baseUrl, flow, token: first.value.token, ...fetchOption });
  if (!prepared.ok) return prepared;
  step('transports');
  const canvases = flow.canvases.map((canvas) => ({
    canvas,
    transport: new CanvasTransport({
      ...options.transport,
      ...fetchOption,
      baseUrl,
      token,
      scope: flowCanvasScope(flow, canvas.canvas_id),
    }),
  }));
  const realtime = canvases[0]!.transport.realtime();
  let closed = false;
  return {
    ok: true,
    value: {
      flow,
      actor: options.actor,
      sub,
      token,
      canvases,
      realtime,
      prepared: prepared.value,
      fetch: options.fetch,
      connect(canvasIds) {
        if (closed) return;
        // The canvases first: their snapshots are what the first paint waits for.
        for (const c of canvases) {
          if (canvasIds === undefined || canvasIds.includes(c.canvas.canvas_id)) c.transport.connect();
        }
        realtime.connect();
      },
      close() {
        if (closed) return;
        closed = true;
        realtime.close();
        for (const c of canvases) c.transport.close();
      },
    },
  };
}
