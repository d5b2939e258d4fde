import type { FetchLike } from '@easel/transport';

/** A `fetch` whose network a test can cut and restore: see {@link switchableFetch}. */
export interface SwitchableNetwork {
  readonly fetch: FetchLike;
  /** Breaks every open response body now (the client sees a dropped connection). */
  cut(): number;
  /** While offline every new request fails as a network error, and `cut()` is applied at once. */
  setOffline(offline: boolean): void;
  readonly stats: { cuts: number; refused: number };
}

/**
 * A real `fetch` (real sockets) that a test can switch off: `cut()` breaks the open SSE bodies
 * (a dropped connection; the client must resume from its cursor), `setOffline(true)` also refuses
 * new requests until `setOffline(false)`. Deterministic: nothing happens unless the test asks.
 * `inner` is the fetch it wraps (default the global one; e.g. a `ClusterRouter`'s).
 */
export function switchableFetch(inner: FetchLike = (input, init) => fetch(input, init)): SwitchableNetwork {
  /** Open bodies: the copy handed to the client, and the real body's reader (cancelled on a cut). */
  const open = new Map<ReadableStreamDefaultController<Uint8Array>, ReadableStreamDefaultReader<Uint8Array>>();
  const stats = { cuts: 0, refused: 0 };
  let offline = false;
  const cut = (): number => {
    const n = open.size;
    for (const [controller, reader] of [...open]) {
      open.delete(controller);
      reader.cancel().catch(() => undefined);
      try {
        controller.error(new TypeError('terminated (connection cut by the test)'));
      } catch {
        // already closed
      }
    }
    stats.cuts += n;
    return n;
  };
  const switchable: FetchLike = async (input, init) => {
    if (offline) {
      stats.refused += 1;
      throw new TypeError('fetch failed (network switched off by the test)');
    }
    const response = await inner(input, init);
    if (init?.method === 'POST' || response.status !== 200 || response.body === null) return response;
    const reader = response.body.getReader();
    let mine: ReadableStreamDefaultController<Uint8Array> | null = null;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        mine = controller;
        open.set(controller, reader);
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (!open.has(controller)) return; // cut meanwhile
          if (done) {
            open.delete(controller);
            controller.close();
            return;
          }
          controller.enqueue(value);
        } catch (error) {
          if (open.delete(controller)) controller.error(error);
        }
      },
      cancel(reason) {
        if (mine) open.delete(mine);
        return reader.cancel(reason);
      },
    });
    if (offline) cut();
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return {
    fetch: switchable,
    cut: () => cut(),
    setOffline(value: boolean) {
      offline = value;
      if (value) cut();
    },
    stats,
  };
}
