import { MARKER } from '../lib/payload.ts';

/** The marker as bytes, for byte searches in raw chunks. */
export const MARKER_BYTES = Buffer.from(MARKER, 'latin1');

/** Where readers report what they parsed. One per client process. */
export class FrameSink {
  /** Marked frames parsed by every reader together. */
  frames = 0;
  /** Readers that lost their connection after opening. */
  readersLost = 0;
  /** Called with each frame's sequence number when tracking latency; null when only counting. */
  onSeq: ((seq: number) => void) | null = null;
}

/** Number of marker occurrences fully inside `chunk`. */
export function countMarkers(chunk: Buffer): number {
  let n = 0;
  let at = chunk.indexOf(MARKER_BYTES);
  while (at !== -1) {
    n += 1;
    at = chunk.indexOf(MARKER_BYTES, at + MARKER_BYTES.length);
  }
  return n;
}

/**
 * Calls `onSeq` for each `@@seq=<digits>;` in `text` and returns the unparsed remainder (a marker
 * cut off by the chunk boundary), which the caller prepends to the next chunk.
 */
export function scanSeqs(text: string, onSeq: (seq: number) => void): string {
  let at = text.indexOf(MARKER);
  while (at !== -1) {
    const end = text.indexOf(';', at + MARKER.length);
    if (end === -1) return text.length - at < 32 ? text.slice(at) : '';
    if (end - at <= MARKER.length + 16) {
      const seq = Number(text.slice(at + MARKER.length, end));
      if (Number.isInteger(seq)) onSeq(seq);
    }
    at = text.indexOf(MARKER, end);
  }
  // A marker may start in the last few characters and end in the next chunk.
  return text.slice(Math.max(0, text.length - (MARKER.length - 1)));
}
