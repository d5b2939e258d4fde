/** Bytes a sidecar upload accepts: a `File` or `Blob` (browsers), or bytes. */
export type SidecarData = Blob | Uint8Array | ArrayBuffer;

/** The bytes of `data` (a Blob is read whole: sidecars are hashed before upload). */
export async function sidecarBytes(data: SidecarData): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(await data.arrayBuffer());
}

/**
 * Lower-case hex SHA-256 of `bytes` with WebCrypto (`crypto.subtle`: browsers in secure
 * contexts, Node ≥ 20). Rejects only when WebCrypto is missing (e.g. a page served over plain
 * http from a non-localhost origin).
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('WebCrypto (crypto.subtle) is not available: serve the page over https or localhost');
  // Copy into a fresh ArrayBuffer: `digest` takes no SharedArrayBuffer views.
  const digest = await subtle.digest('SHA-256', new Uint8Array(bytes));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
