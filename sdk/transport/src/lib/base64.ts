/** Standard base64 (with padding) of bytes, in browsers and Node (`btoa`). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: spreading a whole large update into one call would overflow the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** `Uint8Array.fromBase64` where the runtime has it (Chromium 140+; not Node 20). */
const native = (Uint8Array as { fromBase64?: (text: string) => Uint8Array }).fromBase64;

/**
 * Bytes of standard base64 (`Uint8Array.fromBase64`, else `atob`; both accept the same texts once
 * the pattern below holds); `null` when the text is not base64.
 */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!isBase64(text)) return null;
  let binary: string;
  try {
    if (native) return native.call(Uint8Array, text);
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether `text` is standard base64 as {@link base64ToBytes} accepts it (a linear scan, no decoding). */
export function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 !== 1;
}
