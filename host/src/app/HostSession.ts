import { createContext, useContext } from 'react';

/** What host-side components need beyond the harness context: the gateway origin and the actor's token. */
export interface HostSessionValue {
  readonly baseUrl: string;
  readonly token: () => Promise<string>;
}

export const HostSessionContext = createContext<HostSessionValue | null>(null);

/** The open session's origin and token (inside a flow session only). */
export function useHostSession(): HostSessionValue {
  const value = useContext(HostSessionContext);
  if (!value) throw new Error('useHostSession: render inside a flow session');
  return value;
}
