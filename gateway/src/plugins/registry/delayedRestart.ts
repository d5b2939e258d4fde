import type { StartOutcome } from '../sandbox/PluginProcess.ts';

/** A restart scheduled after a crash (the BACKOFF phase): calls wait on `promise`. */
export interface DelayedRestart {
  /** Resolves with the restart's outcome, or with a `start` failure when cancelled first. */
  readonly promise: Promise<StartOutcome>;
  /** Cancels the restart (host close): `promise` resolves with `message` as a failed start. */
  cancel(): void;
}

/**
 * Runs `start` after `delayMs` (the jittered backoff), once; `onDue` runs just before it (the slot
 * forgets the pending restart there).
 */
export function delayedRestart(
  delayMs: number,
  start: () => Promise<StartOutcome>,
  onDue: () => void,
  cancelMessage = 'the plugin host is closed',
): DelayedRestart {
  let timer: NodeJS.Timeout | undefined;
  let settle: (outcome: StartOutcome) => void = () => {};
  const promise = new Promise<StartOutcome>((resolve) => {
    settle = resolve;
    timer = setTimeout(() => {
      onDue();
      resolve(start());
    }, delayMs);
  });
  return {
    promise,
    cancel: () => {
      clearTimeout(timer);
      settle({ ok: false, phase: 'start', message: cancelMessage });
    },
  };
}
