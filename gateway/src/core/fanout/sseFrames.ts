/**
 * Server-Sent Events wire frames (contract §4), pre-serialized once and written verbatim to
 * every subscriber that may see them.
 *
 * Durable events: `id: <cursor>\nevent: <type>\ndata: <envelope JSON>\n\n`.
 * Telemetry and CANVAS_READY: no `id:` line, so the client's Last-Event-ID keeps pointing at
 * the last durable event it received.
 */

/** The keep-alive comment written right after the headers and every keep-alive interval. */
export const KEEP_ALIVE_FRAME = ': ka\n\n';

/** One event frame. `cursor` null = no `id:` line. `json` must be JSON text (one line as produced by JSON.stringify). */
export function encodeEventFrame(cursor: string | null, type: string, json: string): string {
  // JSON.stringify never emits raw line breaks, but an envelope from elsewhere might: split them
  // into several data lines so the frame stays well-formed (the client joins them with \n).
  const data = json.includes('\n') || json.includes('\r') ? json.split(/\r\n|\r|\n/).join('\ndata: ') : json;
  return cursor === null ? `event: ${type}\ndata: ${data}\n\n` : `id: ${cursor}\nevent: ${type}\ndata: ${data}\n\n`;
}

/** An SSE comment (ignored by clients; used for keep-alive and close reasons). */
export function commentFrame(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The reconnection delay suggestion sent once at open. */
export function retryFrame(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** A jittered retry delay in [min, max] ms, so that a restart does not reconnect everyone at once. */
export function jitteredRetryMs(min: number, max: number, random: () => number = Math.random): number {
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  return Math.round(lo + (hi - lo) * random());
}
