import { fromBase64, toBase64 } from 'lib0/buffer';

/** Standard base64 (with padding) of bytes, in browsers and Node. */
export function bytesToBase64(bytes: Uint8Array): string {
  return toBase64(bytes);
}

/** Bytes of standard base64; `null` when the text is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return null;
  try {
    return fromBase64(text);
  } catch {
    return null;
  }
}
