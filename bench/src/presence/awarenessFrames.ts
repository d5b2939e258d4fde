import * as encoding from 'lib0/encoding';

/** Hocuspocus message types the bench client speaks. */
export const MSG = { sync: 0, awareness: 1, auth: 2 } as const;

/** `document, Auth, Token, token`: the first message of every Hocuspocus connection. */
export function authFrame(document: string, token: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, document);
  encoding.writeVarUint(e, MSG.auth);
  encoding.writeVarUint(e, 0);
  encoding.writeVarString(e, token);
  return encoding.toUint8Array(e);
}

/** Sync step 1 with an empty state vector. */
export function syncStep1Frame(document: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, document);
  encoding.writeVarUint(e, MSG.sync);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, new Uint8Array([0]));
  return encoding.toUint8Array(e);
}

/** One client's awareness update (what a provider sends when its cursor moves). */
export function awarenessFrame(document: string, clientId: number, clock: number, state: string): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, state);
  const e = encoding.createEncoder();
  encoding.writeVarString(e, document);
  encoding.writeVarUint(e, MSG.awareness);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(update));
  return encoding.toUint8Array(e);
}

/** A varUint at `pos`: [value, next position]. Lean: the client reads ~75k frames a second. */
function varUint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 1;
  for (let p = pos; p < buf.length; p++) {
    const byte = buf[p]!;
    value += (byte & 0x7f) * shift;
    if (byte < 0x80) return [value, p + 1];
    shift *= 128;
  }
  throw new RangeError('truncated varUint');
}

/** What a received frame says: the type, and for awareness the (clientId, clock) pairs. */
export interface ReceivedFrame {
  type: number;
  /** Auth: 2 = authenticated, 1 = permission denied. */
  authKind?: number;
  entries?: Array<[clientId: number, clock: number]>;
}

/** Reads a frame's type and awareness entries without decoding states or the document name. */
export function readFrame(buf: Uint8Array): ReceivedFrame {
  let [len, p] = varUint(buf, 0);
  p += len; // the document name
  const [type, afterType] = varUint(buf, p);
  p = afterType;
  if (type === MSG.auth) return { type, authKind: varUint(buf, p)[0] };
  if (type !== MSG.awareness) return { type };
  [len, p] = varUint(buf, p); // the update's length
  let count: number;
  [count, p] = varUint(buf, p);
  const entries: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    let clientId: number;
    let clock: number;
    [clientId, p] = varUint(buf, p);
    [clock, p] = varUint(buf, p);
    [len, p] = varUint(buf, p);
    p += len; // the state's JSON
    entries.push([clientId, clock]);
  }
  return { type, entries };
}
