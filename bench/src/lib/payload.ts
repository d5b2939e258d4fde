/**
 * The update every server carries: ~200 bytes of JSON whose string value starts with a marker
 * `@@seq=<n>;`. The marker has no quotes or escapes, so it survives JSON-in-JSON (Easel's envelope)
 * and Yjs string encoding byte for byte; readers find it with a plain byte search.
 */
export const MARKER = '@@seq=';

/** Bytes of JSON in one update body (the same for all servers). */
export const PAYLOAD_BYTES = 200;

/** Token ids the writers rotate through (a small key set keeps every server's state bounded). */
export const TOKEN_IDS = ['bench.a', 'bench.b', 'bench.c', 'bench.d', 'bench.e', 'bench.f', 'bench.g', 'bench.h'];

const PAD = 'x'.repeat(PAYLOAD_BYTES);

/** The marked string value for update `seq`, padded so that {@link publishBody} is {@link PAYLOAD_BYTES} long. */
export function markedValue(seq: number, tokenId: string): string {
  const head = `${MARKER}${seq};`;
  const overhead = `{"token_id":"${tokenId}","op":"set","value":""}`.length + head.length;
  return head + PAD.slice(0, Math.max(0, PAYLOAD_BYTES - overhead));
}

/** The JSON body a writer posts to the raw and Hocuspocus `/publish` endpoints. */
export function publishBody(seq: number): string {
  const tokenId = TOKEN_IDS[seq % TOKEN_IDS.length]!;
  return JSON.stringify({ token_id: tokenId, op: 'set', value: markedValue(seq, tokenId) });
}
