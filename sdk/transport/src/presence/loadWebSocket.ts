/** A WebSocket constructor (the browser's, or the `ws` package's in Node). */
export type WebSocketConstructor = new (url: string) => unknown;

/**
 * The WebSocket class presence uses: `preferred` if given; in Node the `ws` package (what the
 * Hocuspocus provider expects there); in browsers the global `WebSocket`. Null when none exists.
 */
export async function loadWebSocket(preferred?: WebSocketConstructor): Promise<WebSocketConstructor | null> {
  if (preferred) return preferred;
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (isNode) {
    try {
      const module = (await import('ws')) as { default?: unknown; WebSocket?: unknown };
      const ctor = module.WebSocket ?? module.default;
      if (typeof ctor === 'function') return ctor as WebSocketConstructor;
    } catch {
      // fall through to the global, if any
    }
  }
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof global === 'function' ? (global as WebSocketConstructor) : null;
}
