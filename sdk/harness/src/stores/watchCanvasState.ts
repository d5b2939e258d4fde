// Test helpers of the CanvasStateStore tests (not exported from the package).
import type { JsonValue } from '@easel/schemas';
import type { CanvasTransport } from '@easel/transport';
import { CanvasStateStore } from './CanvasStateStore.ts';

/** What {@link watchCanvasState} returns. */
export interface CanvasStateWatch {
  readonly store: CanvasStateStore;
  /** Every distinct snapshot seen, in order. */
  readonly snapshots: Array<Readonly<Record<string, JsonValue>>>;
  /** Unsubscribes and stops the store. */
  stop(): void;
}

/** A store over `transport`, read the way `useSyncExternalStore` reads it: on every notification. */
export function watchCanvasState(transport: CanvasTransport): CanvasStateWatch {
  const store = new CanvasStateStore(transport);
  const snapshots: Array<Readonly<Record<string, JsonValue>>> = [];
  const stopStore = store.start();
  const off = store.subscribe(() => {
    const next = store.getSnapshot();
    if (snapshots.at(-1) !== next) snapshots.push(next);
  });
  return {
    store,
    snapshots,
    stop: () => {
      off();
      stopStore();
    },
  };
}

/** Waits (bounded: 200 polls of 5 ms) until `done()` holds; throws naming `what` otherwise. */
export async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}
