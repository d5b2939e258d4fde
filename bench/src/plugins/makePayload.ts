/** A whiteboard block, as a plugin analysing a canvas would receive it (a type, so it is a `JsonValue`). */
export type PayloadBlock = {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
};

/** The large payload: blocks, then padding to the exact size. */
export type Payload = {
  blocks: PayloadBlock[];
  pad: string;
};

/** Length of `{"blocks":[],"pad":""}`, the smallest payload. */
export const MIN_PAYLOAD_BYTES = JSON.stringify({ blocks: [], pad: '' } satisfies Payload).length;

function block(i: number): PayloadBlock {
  return { id: `b${i}`, x: (i * 37) % 1000, y: (i * 91) % 700, w: 120, h: 40, label: `block ${i}` };
}

/**
 * A deterministic JSON object whose `JSON.stringify` is exactly `bytes` long: as many blocks as fit
 * (nested objects, numbers, strings — not one long string, which IPC copies faster than real data),
 * then a padding string. Throws a RangeError below {@link MIN_PAYLOAD_BYTES} or for a non-integer.
 */
export function makePayload(bytes: number): Payload {
  if (!Number.isInteger(bytes) || bytes < MIN_PAYLOAD_BYTES) {
    throw new RangeError(`makePayload: bytes must be an integer ≥ ${MIN_PAYLOAD_BYTES}, got ${bytes}`);
  }
  const blocks: PayloadBlock[] = [];
  let length = MIN_PAYLOAD_BYTES;
  for (let i = 0; ; i++) {
    const next = block(i);
    const added = JSON.stringify(next).length + (blocks.length > 0 ? 1 : 0);
    if (length + added > bytes) break;
    blocks.push(next);
    length += added;
  }
  return { blocks, pad: 'x'.repeat(bytes - length) };
}

/** `{"text":""}`: the smallest string payload. */
export const MIN_STRING_PAYLOAD_BYTES = JSON.stringify({ text: '' }).length;

/** `{text: 'xxx…'}` whose JSON is exactly `bytes` long: one string, the cheapest shape to copy. */
export function makeStringPayload(bytes: number): { text: string } {
  if (!Number.isInteger(bytes) || bytes < MIN_STRING_PAYLOAD_BYTES) {
    throw new RangeError(`makeStringPayload: bytes must be an integer ≥ ${MIN_STRING_PAYLOAD_BYTES}, got ${bytes}`);
  }
  return { text: 'x'.repeat(bytes - MIN_STRING_PAYLOAD_BYTES) };
}
