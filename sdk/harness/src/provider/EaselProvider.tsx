import type { CanvasTransport, RealtimeClient } from '@easel/transport';
import { type ReactNode, useEffect, useState } from 'react';
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
   * Call `transport.connect()` (and `realtime.connect()`) on mount. Default true. For the fastest
   * first paint, call `transport.connect()` yourself before mounting (it is idempotent): the
   * stream's request is then in flight while React renders, instead of after the first commit.
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
  useEffect(() => current.start({ connect }), [current, connect]);
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
