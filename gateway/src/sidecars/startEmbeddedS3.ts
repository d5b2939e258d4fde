import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';
import type { S3Settings } from './parseS3Settings.ts';

/** Options of {@link startEmbeddedS3}. */
export interface EmbeddedS3Options {
  /** Where objects are stored (created when missing); they survive restarts. */
  directory: string;
  /** Bucket created at start. */
  bucket: string;
  /** Loopback port (0 = any free port). Default 0. */
  port?: number;
}

/** A running embedded S3. */
export interface EmbeddedS3 {
  readonly settings: S3Settings;
  close(): Promise<void>;
}

/** s3rver knows exactly one key pair; it checks the access key id, never the signature. */
const S3RVER_KEY = 'S3RVER';

/** Lets browsers (the host app) PUT and GET presigned URLs from any origin; dev only. */
const DEV_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts s3rver in this process on 127.0.0.1 for `easel dev` / `easel serve` without `--s3`.
 * DEV ONLY: s3rver does not verify signatures, expiry of signed headers or payload hashes, so
 * anyone reaching the port can write; the gateway therefore re-reads and hashes objects at
 * `complete` (`verify: 'read'`). Rejects when it cannot listen.
 */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [DEV_CORS] }],
  });
  const address = await server.run();
  return {
    settings: {
      endpoint: `http://127.0.0.1:${address.port}`,
      region: 'us-east-1',
      bucket: options.bucket,
      accessKeyId: S3RVER_KEY,
      secretAccessKey: S3RVER_KEY,
    },
    close: () => server.close().catch(() => undefined),
  };
}
