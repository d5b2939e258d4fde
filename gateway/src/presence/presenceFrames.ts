import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

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

/** Longest token an auth message may carry (tickets are 32 characters). */
const MAX_TOKEN_CHARS = 1024;

/**
 * Is the body of an auth frame what a provider sends (`varUint 0` (token), `varString token`,
 * nothing after)? Hocuspocus decodes it unguarded and prints a stack trace when it is not.
 */
export function isAuthBody(data: Uint8Array, bodyOffset: number): boolean {
  try {
    const decoder = decoding.createDecoder(data);
    decoder.pos = bodyOffset;
    if (decoding.readVarUint(decoder) !== 0) return false;
    const token = decoding.readVarString(decoder);
    return token.length <= MAX_TOKEN_CHARS && !decoding.hasContent(decoder);
  } catch {
    return false;
  }
}

/** y-protocols sync steps: step 1 (a state vector), step 2 and update (a Yjs update). */
export const SYNC_STEP = { step1: 0, step2: 1, update: 2 } as const;

/**
 * Is the body of a sync frame one Hocuspocus handles without throwing on a read-only document
 * (`varUint step`, `varUint8Array payload`, nothing after)? Step 1 must carry a decodable state
 * vector; step 2 is read by Hocuspocus as far as its first struct (`Y.snapshotContainsUpdate`
 * against the empty presence document), checked here the same way; an update is not read.
 */
export function isSyncBody(data: Uint8Array, bodyOffset: number): boolean {
  try {
    const decoder = decoding.createDecoder(data);
    decoder.pos = bodyOffset;
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (decoding.hasContent(decoder)) return false;
    if (step === SYNC_STEP.step1) {
      Y.decodeStateVector(payload);
      return true;
    }
    if (step === SYNC_STEP.step2) {
      Y.snapshotContainsUpdate(Y.emptySnapshot, payload);
      return true;
    }
    return step === SYNC_STEP.update;
  } catch {
    return false;
  }
}
