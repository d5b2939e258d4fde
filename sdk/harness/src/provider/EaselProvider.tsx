import type { CanvasTransport, RealtimeClient } from '@easel/transport';
import { type ReactNode, useLayoutEffect, useState } from 'react';
import type { HarnessApi } from '../api/HarnessApi.ts';
import { harnessApiFromTransport } from '../api/harnessApiFromTransport.ts';
import { HarnessStores } from '../stores/HarnessStores.ts';
import { HarnessContext } from './HarnessContext.ts';
import type { PresenceSource } from './PresenceSource.ts';

export interface EaselProviderProps {
  /** The canvas this subtree shows. The provider opens its stream; closing it stays the owner's job. */
  transport: CanvasTransport;
  /**
   * The project's unified timeline (e.g. `transport.realtime()`), feeding `useRealtime`, jobs and
   * turns of the whole project. Optional: without it the canvas stream alone feeds them.
   */
  realtime?: RealtimeClient | null;
  /**
   * Plugins, jobs, lens and run streams over HTTP. Default: the transport's own clients
   * (`harnessApiFromTransport`), without the caller's lens (panels then let the gateway decide).
   * Pass `createHarnessApi({baseUrl, token, scope, transport})` for lens-aware panels; stories
   * pass `createRecordedApi(recording)`.
   */
  api?: HarnessApi;
  /**
   * Presence source. Default `transport.presence` (a WebSocket opens when a component first uses
   * presence); `false` turns presence off; recordings pass `createRecordedPresence(...)`.
   */
  presence?: PresenceSource | false;
  /**
   * Call `transport.connect()` (and `realtime.connect()`) on mount. Default true. The provider
   * connects in a layout effect: right after React's first commit, before the browser paints and
   * before any passive effect of the subtree. For the fastest first paint, also call
   * `transport.connect()` yourself as soon as you have the transport, before mounting (outside
   * React: where you create it, e.g. in the code that resolves the session, never during render).
   * It is idempotent, so the provider's call is then a no-op, and the snapshot request is in
   * flight while React renders the canvases instead of starting after they did.
   *
   * @example
   * const transport = new CanvasTransport({baseUrl, token, scope}).connect();
   * root.render(<EaselProvider transport={transport}>…</EaselProvider>);
   */
  connect?: boolean;
  children?: ReactNode;
}

/**
 * Puts one canvas transport (plus optional realtime client, API and presence) in context for
 * the harness hooks. Changing any of `transport`, `realtime`, `api` or `presence` builds fresh
 * stores (the timeline, turns and jobs start over): create them once (`useState`/`useMemo`),
 * not inline in render.
 */
export function EaselProvider(props: EaselProviderProps): ReactNode {
  const { transport, realtime = null, presence, connect = true, children } = props;
  const [fallbackApi, setFallbackApi] = useState(() => ({ transport, api: harnessApiFromTransport(transport) }));
  let api = props.api;
  if (api === undefined) {
    if (fallbackApi.transport === transport) api = fallbackApi.api;
    else {
      api = harnessApiFromTransport(transport);
      setFallbackApi({ transport, api });
    }
  }
  const [stores, setStores] = useState(() => build(transport, realtime, api, presence));
  let current = stores;
  if (
    stores.transport !== transport ||
    stores.realtime !== realtime ||
    stores.api !== api ||
    (presence !== undefined && presence !== false && stores.presenceSource !== presence)
  ) {
    current = build(transport, realtime, api, presence);
    setStores(current);
  }
  // A layout effect: the stream's request starts before the first paint, not after it.
  useLayoutEffect(() => current.start({ connect }), [current, connect]);
  return <HarnessContext.Provider value={current}>{children}</HarnessContext.Provider>;
}

function build(
  transport: CanvasTransport,
  realtime: RealtimeClient | null,
  api: HarnessApi,
  presence: PresenceSource | false | undefined,
): HarnessStores {
  return new HarnessStores({
    transport,
    realtime,
    api,
    presence: presence === false ? null : (presence ?? transport.presence),
  });
}
