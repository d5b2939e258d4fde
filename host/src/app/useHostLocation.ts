import { useCallback, useEffect, useState } from 'react';
import { type HostLocation, readHostLocation, writeHostLocation } from '../location/hostLocation.ts';

/** The host location from `window.location`, and a way to change it (pushes a history entry). */
export function useHostLocation(): [HostLocation, (next: Partial<HostLocation>, replace?: boolean) => void] {
  const [location, setLocation] = useState(() => readHostLocation(window.location.search));
  useEffect(() => {
    const onPop = () => setLocation(readHostLocation(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: Partial<HostLocation>, replace = false) => {
    const merged = { ...readHostLocation(window.location.search), ...next };
    const search = writeHostLocation(merged);
    if (search !== window.location.search) {
      window.history[replace ? 'replaceState' : 'pushState'](null, '', `${window.location.pathname}${search}`);
    }
    setLocation(merged);
  }, []);
  return [location, navigate];
}

/** A link to the host as another location (for `<a href>`: new tabs, second actors). */
export function hostHref(location: HostLocation): string {
  return `${window.location.pathname}${writeHostLocation(location)}`;
}
