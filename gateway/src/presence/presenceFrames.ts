import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Hocuspocus message types (the first varUint after the document name). */
export const HOCUSPOCUS_MESSAGE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  syncReply: 4,
  stateless: 5,
  broadcastStateless: 6,
  close: 7,
  syncStatus: 8,
} as const;

/** The head of a Hocuspocus frame: `varString document`, `varUint type`, then the body. */
export interface FrameHead {
  readonly document: string;
  readonly type: number;
  /** Offset of the body (after the type). */
  readonly bodyOffset: number;
}

/** Most documents names are short; a longer one is a protocol error. */
const MAX_DOCUMENT_NAME = 256;

/** Reads a frame's head; null when it is not a Hocuspocus frame. Never throws. */
export function readFrameHead(data: Uint8Array): FrameHead | null {
  try {
    const decoder = decoding.createDecoder(data);
    const document = decoding.readVarString(decoder);
    if (document.length === 0 || document.length > MAX_DOCUMENT_NAME) return null;
    const type = decoding.readVarUint(decoder);
    return { document, type, bodyOffset: decoder.pos };
  } catch {
    return null;
  }
}

/** One client's entry of a y-protocols awareness update; `state` is JSON text (`null` = left). */
export interface AwarenessEntry {
  readonly clientId: number;
  readonly clock: number;
  readonly state: string;
}

/** Most entries one awareness message may carry. */
const MAX_ENTRIES = 256;

/**
 * Decodes the body of an awareness frame (`varUint8Array update`, the update being `varUint n`,
 * then n × `varUint clientID, varUint clock, varString state`). Null when malformed or when
 * bytes are left over. Never throws.
 */
export function readAwarenessBody(data: Uint8Array, bodyOffset: number): AwarenessEntry[] | null {
  try {
    const outer = decoding.createDecoder(data);
    outer.pos = bodyOffset;
    const update = decoding.readVarUint8Array(outer);
    if (decoding.hasContent(outer)) return null;
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_ENTRIES) return null;
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state = decoding.readVarString(decoder);
      entries.push({ clientId, clock, state });
    }
    if (decoding.hasContent(decoder)) return null;
    return entries;
  } catch {
    return null;
  }
}

/** Encodes an awareness frame for `document` carrying `entries`. */
export function writeAwarenessFrame(document: string, entries: readonly AwarenessEntry[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(update, entry.clientId);
    encoding.writeVarUint(update, entry.clock);
    encoding.writeVarString(update, entry.state);
  }
  const frame = encoding.createEncoder();
  encoding.writeVarString(frame, document);
  encoding.writeVarUint(frame, HOCUSPOCUS_MESSAGE.awareness);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}
