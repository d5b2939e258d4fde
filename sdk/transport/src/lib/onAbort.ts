import { Listeners } from './Listeners.ts';

// One `abort` listener per signal, however many requests wait on it: a client's lifetime signal is
// shared by every request in flight and every wait between attempts, and more than 10 listeners on
// one signal make Node warn of a leak (`MaxListenersExceededWarning`). (Not `AbortSignal.any`: on
// Node 20 each derived signal leaves an entry in its source until the source aborts.) That one
// listener stays for the signal's life; the map lets the signal be collected with it.
const fanOut = new WeakMap<AbortSignal, Listeners<[]>>();

/**
 * Calls `callback` when `signal` aborts (never if it already has: check `aborted` first), after
 * the callbacks registered before it; returns the removal, which releases the callback. Without a
 * signal, nothing.
 */
export function onAbort(signal: AbortSignal | undefined, callback: () => void): (() => void) | undefined {
  if (!signal) return;
  let set = fanOut.get(signal);
  if (!set) {
    set = new Listeners();
    fanOut.set(signal, set);
    // (`set` is assigned from here on.)
    signal.addEventListener('abort', () => set!.emit());
  }
  return set.add(callback);
}
