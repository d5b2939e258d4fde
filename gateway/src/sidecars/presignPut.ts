import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3Settings } from './parseS3Settings.ts';

/** What a presigned PUT binds (contract §8). */
export interface PutBinding {
  readonly key: string;
  /** Exact `Content-Type` the PUT must send. */
  readonly mime: string;
  /** Exact body size in bytes (`Content-Length`). */
  readonly size: number;
  /** Lower-case hex SHA-256 of the body. */
  readonly sha256: string;
  /** Lifetime of the URL in seconds (1 to 604800). */
  readonly expiresInSeconds: number;
}

/** A presigned PUT: the URL and the headers the client must send exactly as given. */
export interface PresignedPut {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The metadata header that records the declared SHA-256 on the object (HEAD returns it). */
export const SHA256_META = 'sha256';

/** SHA-256 / HMAC-SHA-256 on node:crypto, in the shape the SigV4 signer expects. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(new Uint8Array(data));
}

/** Lower-case hex SHA-256 as base64 (the `x-amz-checksum-sha256` form). */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/**
 * Presigns a PUT (SigV4, query-string auth) whose signature covers `host`, `content-type`,
 * `content-length`, `x-amz-content-sha256` (the hex SHA-256: the payload hash S3 checks the
 * body against, `XAmzContentSHA256Mismatch` otherwise), `x-amz-checksum-sha256` (the same hash
 * in base64: AWS S3 also checks it, `BadDigest`) and `x-amz-meta-sha256` (stored on the object,
 * so `complete` can read the verified hash back with a HEAD). A request that sends another
 * size, type or hash, or changes anything in the URL, fails the signature check (403).
 *
 * `@aws-sdk/s3-request-presigner` always signs `UNSIGNED-PAYLOAD`, which would leave the body
 * unbound; this signs with the SDK's own signer instead.
 */
export async function presignPut(settings: S3Settings, binding: PutBinding, now = Date.now()): Promise<PresignedPut> {
  const endpoint = new URL(settings.endpoint);
  const port = endpoint.port === '' ? undefined : Number(endpoint.port);
  const host = endpoint.host;
  const path = `/${settings.bucket}/${binding.key.split('/').map(encodeURIComponent).join('/')}`;
  const headers: Record<string, string> = {
    'content-type': binding.mime,
    'content-length': String(binding.size),
    'x-amz-content-sha256': binding.sha256,
    'x-amz-checksum-sha256': hexToBase64(binding.sha256),
    [`x-amz-meta-${SHA256_META}`]: binding.sha256,
  };
  const signer = new SignatureV4({
    service: 's3',
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const signed = await signer.presign(
    {
      method: 'PUT',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(port !== undefined ? { port } : {}),
      path,
      query: {},
      headers: { host, ...headers },
    },
    {
      expiresIn: binding.expiresInSeconds,
      signingDate: new Date(now),
      unhoistableHeaders: new Set(Object.keys(headers)),
    },
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') query.set(name, value);
  }
  return { url: `${endpoint.origin}${path}?${query}`, headers };
}
