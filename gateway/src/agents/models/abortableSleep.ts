/**
 * Waits `ms` milliseconds, or less when `signal` aborts. Resolves `true` when the time passed,
 * `false` when aborted (never rejects). `ms <= 0` yields to the event loop once (setImmediate).
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    let cancel = () => {};
    const done = (passed: boolean) => {
      cancel();
      signal.removeEventListener('abort', onAbort);
      resolve(passed);
    };
    const onAbort = () => done(false);
    if (ms <= 0) {
      const handle = setImmediate(() => done(true));
      cancel = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(() => done(true), ms);
      cancel = () => clearTimeout(handle);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
