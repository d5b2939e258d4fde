/** A `beforeWalSync` seam that holds every WAL sync until the test releases it (the sync itself is real). */
export function heldSyncs() {
  const held: Array<() => void> = [];
  let started = 0;
  return {
    beforeWalSync: () =>
      new Promise<void>((resolve) => {
        started++;
        held.push(resolve);
      }),
    /** Syncs started so far (each waits for its release). */
    get started() {
      return started;
    },
    /** Lets the oldest held sync run; false when none is held. */
    release(): boolean {
      const next = held.shift();
      next?.();
      return next !== undefined;
    },
  };
}
