import * as Y from 'yjs';

/** A struct of a decoded update. */
export type Struct = Y.Item | Y.GC | Y.Skip;
/** A decoded update's delete set. */
export type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/** The lib0 decoder of the last update {@link decodeUpdateV1} read (synchronous use only). */
let lastDecoder: { pos: number; arr: Uint8Array } | null = null;

/** Yjs's v1 update decoder, remembering its byte decoder so the caller can check it reached the end. */
class TrackingDecoderV1 extends Y.UpdateDecoderV1 {
  constructor(decoder: ConstructorParameters<typeof Y.UpdateDecoderV1>[0]) {
    super(decoder);
    lastDecoder = decoder as unknown as { pos: number; arr: Uint8Array };
  }
}

/** Decodes a v1 update the way Yjs reads it; `rest`: bytes left after the delete set. */
export function decodeUpdateV1(update: Uint8Array): { structs: Struct[]; ds: DeleteSet; rest: number } {
  lastDecoder = null;
  const decoded = Y.decodeUpdateV2(update, TrackingDecoderV1 as unknown as typeof Y.UpdateDecoderV1) as {
    structs: Struct[];
    ds: DeleteSet;
  };
  const d = lastDecoder as { pos: number; arr: Uint8Array } | null;
  lastDecoder = null;
  return { ...decoded, rest: d === null ? 0 : d.arr.length - d.pos };
}

/** Whether a delete set deletes nothing. */
export function emptyDeleteSet(ds: DeleteSet): boolean {
  for (const items of ds.clients.values()) for (const d of items) if (d.len > 0) return false;
  return true;
}
