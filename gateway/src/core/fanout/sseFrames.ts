/**
 * Server-Sent Events wire frames (contract §4), pre-serialized once and written verbatim to
 * every subscriber that may see them.
 *
 * Durable events: `id: <cursor>\nevent: <type>\ndata: <envelope JSON>\n\n`.
 * Telemetry and CANVAS_READY: no `id:` line, so the client's Last-Event-ID keeps pointing at
 * the last durable event it received.
 */
import { createEventBuffer, type EventBuffer } from 'better-sse';

/**
 * Frames are written with better-sse's `EventBuffer` (its field writer and line sanitizer), with
 * an identity serializer because the envelope is serialized once per lens view before this point.
 * better-sse's `Session.push` is not used: it always writes an `id:` line (a random UUID when none
 * is given), which would move the client's Last-Event-ID on telemetry and CANVAS_READY.
 */
const preSerialized = (data: unknown): string => data as string;

function buffer(): EventBuffer {
  return createEventBuffer({ serializer: preSerialized });
}

/** The keep-alive comment written right after the headers and every keep-alive interval. */
export const KEEP_ALIVE_FRAME = buffer().comment(' ka').dispatch().read();

/**
 * A piece of a frame written in pieces (CANVAS_READY, see `canvasReadyFrames`): text, or a large
 * cached text with its bytes, which a sink that can writes as is (`StreamSink.writeBytes`).
 */
export type FramePart = string | { readonly text: string; readonly bytes: Uint8Array };

export function hasLineBreak(text: string): boolean {
  return text.includes('\n') || text.includes('\r');
}

/**
 * One event frame. `cursor` null = no `id:` line. `json` is the envelope's JSON text.
 *
 * The usual frame (no line break in any field: `JSON.stringify` never emits one) is concatenated
 * directly: byte for byte what {@link encodeEventFrameWithBuffer} writes (tested), without an
 * `EventBuffer` and its sanitizer per event on the fan-out path.
 */
export function encodeEventFrame(cursor: string | null, type: string, json: string): string {
  if (!hasLineBreak(json) && !hasLineBreak(type) && (cursor === null || !hasLineBreak(cursor))) {
    return cursor === null ? `event: ${type}\ndata: ${json}\n\n` : `id: ${cursor}\nevent: ${type}\ndata: ${json}\n\n`;
  }
  return encodeEventFrameWithBuffer(cursor, type, json);
}

/** {@link encodeEventFrame} through better-sse's `EventBuffer` (any text, line breaks included). */
export function encodeEventFrameWithBuffer(cursor: string | null, type: string, json: string): string {
  const frame = buffer();
  if (cursor !== null) frame.id(` ${cursor}`);
  // better-sse's sanitizer only normalizes line breaks; JSON.stringify never emits raw ones, but an
  // envelope from elsewhere might: continue such text on further data lines (the client joins them).
  const data = json.includes('\n') || json.includes('\r') ? json.split(/\r\n|\r|\n/).join('\ndata: ') : json;
  return frame.event(` ${type}`).data(` ${data}`).dispatch().read();
}

/** An SSE comment (ignored by clients; used for keep-alive and close reasons). */
export function commentFrame(text: string): string {
  return buffer()
    .comment(` ${text.replace(/[\r\n]+/g, ' ')}`)
    .dispatch()
    .read();
}

/** The reconnection delay suggestion sent once at open. */
export function retryFrame(ms: number): string {
  return buffer()
    .retry(Math.max(0, Math.round(ms)))
    .dispatch()
    .read();
}

/** A jittered retry delay in [min, max] ms, so that a restart does not reconnect everyone at once. */
export function jitteredRetryMs(min: number, max: number, random: () => number = Math.random): number {
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  return Math.round(lo + (hi - lo) * random());
}
