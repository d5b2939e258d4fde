import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';

/** An awareness state as the provider takes it (null: hidden). */
type LocalState = Record<string, unknown> | null;

/** What {@link Presence} needs of a presence connection (the Hocuspocus provider and its socket). */
export interface PresenceLink {
  /** Announces the local state (null hides it). */
  setLocal(state: LocalState): void;
  /** The others' awareness states (this connection's own excluded), unvalidated. */
  others(): Array<[number, unknown]>;
  /** Starts connecting. */
  attach(): void;
  /** Drops the socket: the provider reconnects (and asks for a fresh ticket). */
  reconnect(): void;
  /** Leaves: the others see this participant go. */
  destroy(): void;
}

export interface PresenceLinkOptions {
  readonly url: string;
  readonly document: string;
  readonly WebSocket: unknown;
  /** The ticket for each (re)connection. */
  readonly token: () => Promise<string>;
  readonly local: LocalState;
  readonly onAuthenticated: () => void;
  readonly onAuthenticationFailed: (reason: string) => void;
  /** Someone's state changed, joined or left. */
  readonly onChange: () => void;
  readonly onDisconnect: () => void;
}

/**
 * The Hocuspocus provider wired for Easel presence. Loaded (with the provider) on the first
 * `join()`: a separate chunk in browser bundles.
 */
export function openPresenceLink(options: PresenceLinkOptions): PresenceLink {
  const socket = new HocuspocusProviderWebsocket({
    url: options.url,
    WebSocketPolyfill: options.WebSocket as typeof WebSocket,
  });
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: options.document,
    token: options.token,
    // The gateway answers a sync step: the connection stays "alive" for the provider even
    // when nobody moves (its watchdog reconnects after 30 s without a message).
    forceSyncInterval: 10_000,
    onAuthenticated: options.onAuthenticated,
    onAuthenticationFailed: ({ reason }) => options.onAuthenticationFailed(reason),
  });
  const awareness = provider.awareness!;
  awareness.setLocalState(options.local);
  // The provider sends every awareness change, its peers' included (an echo the gateway
  // drops): send only this client's own state.
  awareness.off('update', provider.boundAwarenessUpdateHandler);
  awareness.on('update', (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const own = provider.document.clientID;
    const mine = changes.added.includes(own) || changes.updated.includes(own) || changes.removed.includes(own);
    if (mine && origin !== provider)
      provider.boundAwarenessUpdateHandler({ added: [own], updated: [], removed: [] }, origin);
  });
  awareness.on('change', options.onChange);
  socket.on('disconnect', options.onDisconnect);
  return {
    setLocal: (state) => provider.awareness?.setLocalState(state),
    others: () => {
      const own = provider.document.clientID;
      return [...(provider.awareness?.getStates() ?? [])].filter(([clientId]) => clientId !== own);
    },
    attach: () => provider.attach(),
    reconnect: () => socket.webSocket?.close(),
    destroy: () => {
      provider.destroy(); // tells the others this participant left
      socket.destroy();
    },
  };
}
