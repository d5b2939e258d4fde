import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { hexToBase64, type PresignedPut, type PutBinding, presignPut, SHA256_META } from './presignPut.ts';
import type { S3Settings } from './parseS3Settings.ts';
import { createS3Client } from './S3Settings.ts';
import { sha256Hex } from './sha256Hex.ts';

/** What a HEAD tells about a stored object (null fields: the store did not say). */
export interface ObjectHead {
  readonly size: number | null;
  readonly mime: string | null;
  /** `x-amz-meta-sha256`: the hash the signed PUT declared (and the store checked). */
  readonly declaredSha256: string | null;
  /** `x-amz-checksum-sha256` as hex, when the store keeps flexible checksums (AWS S3). */
  readonly storeSha256: string | null;
}

/** An S3 call that failed for a reason other than "no such object". */
export class ObjectStoreError extends Error {
  override readonly name = 'ObjectStoreError';
}

/** Status of an SDK error, if it carries one. */
function statusOf(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return meta?.httpStatusCode;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : String(err);
}

/**
 * The sidecar bucket on an S3-compatible store: presigned PUTs bound to size, type and
 * SHA-256, presigned GETs, HEAD, and (for stores that do not verify signatures) reading an
 * object back to hash it. Network and store failures reject with {@link ObjectStoreError}.
 */
export class S3ObjectStore {
  readonly settings: S3Settings;
  private readonly client: S3Client;
  private bucketReady: Promise<void> | null = null;

  constructor(settings: S3Settings, client: S3Client = createS3Client(settings)) {
    this.settings = settings;
    this.client = client;
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  /** Creates the bucket when missing (once; retried after a failure). */
  ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucket().catch((err: unknown) => {
      this.bucketReady = null;
      throw err;
    });
    return this.bucketReady;
  }

  private async createBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      const status = statusOf(err);
      if (status !== 404 && status !== 403 && status !== 400 && errorName(err) !== 'NotFound') {
        throw new ObjectStoreError(`S3 at ${this.settings.endpoint} does not answer: ${describe(err)}`);
      }
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const name = errorName(err);
      if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return;
      throw new ObjectStoreError(
        `cannot create bucket '${this.bucket}' at ${this.settings.endpoint}: ${describe(err)}`,
      );
    }
  }

  /** A PUT URL bound to `binding` (see {@link presignPut}). */
  presignPut(binding: PutBinding): Promise<PresignedPut> {
    return presignPut(this.settings, binding);
  }

  /**
   * Stores `bytes` under `key` in one PUT (server-side writes, e.g. a job's image outputs), with
   * exactly the headers a presigned upload carries: `Content-Type`, `Content-Length`, the
   * SHA-256 as `x-amz-checksum-sha256` (AWS S3 and RGW versions that know it reject a body that
   * does not match; s3rver ignores it) and as `x-amz-meta-sha256` (so {@link head} reads the hash
   * back like for a presigned upload). The SDK signs the payload hash too (RGW checks it).
   * `sha256` (lower-case hex of `bytes`) saves hashing again when the caller has it. Answers the
   * hex SHA-256 sent. Rejects with {@link ObjectStoreError}.
   */
  async putObject(
    key: string,
    bytes: Uint8Array,
    mime: string,
    sha256 = sha256Hex(bytes),
  ): Promise<{ sha256: string }> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentType: mime,
          ContentLength: bytes.byteLength,
          ChecksumSHA256: hexToBase64(sha256),
          Metadata: { [SHA256_META]: sha256 },
        }),
      );
    } catch (err) {
      throw new ObjectStoreError(`PUT ${key} failed: ${describe(err)}`);
    }
    return { sha256 };
  }

  /**
   * Deletes `key` (one DeleteObject; S3 answers the same whether or not it existed). For undoing a
   * server-side {@link putObject} whose durable event could not be appended, so no object is left
   * that no event or record names. Rejects with {@link ObjectStoreError}.
   */
  async deleteObject(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 || errorName(err) === 'NoSuchKey') return;
      throw new ObjectStoreError(`DELETE ${key} failed: ${describe(err)}`);
    }
  }

  /** A GET URL of `key`, valid `expiresInSeconds`. */
  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    try {
      return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      });
    } catch (err) {
      throw new ObjectStoreError(`cannot presign a GET: ${describe(err)}`);
    }
  }

  /** HEAD of `key`; null when there is no such object. */
  async head(key: string): Promise<ObjectHead | null> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      const declared = out.Metadata?.[SHA256_META];
      return {
        size: typeof out.ContentLength === 'number' ? out.ContentLength : null,
        mime: out.ContentType ?? null,
        declaredSha256: typeof declared === 'string' ? declared.toLowerCase() : null,
        storeSha256: out.ChecksumSHA256 ? base64ToHex(out.ChecksumSHA256) : null,
      };
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 || errorName(err) === 'NotFound') return null;
      throw new ObjectStoreError(`HEAD ${key} failed: ${describe(err)}`);
    }
  }

  /**
   * Reads the object and hashes it (hex SHA-256), reading at most `maxBytes`; null when
   * there is no such object or it is larger. For stores that do not verify signed payload
   * hashes (s3rver in `easel dev`).
   */
  async sha256Of(key: string, maxBytes: number): Promise<string | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = out.Body as AsyncIterable<Uint8Array> | undefined;
      if (!body) return null;
      const hash = createHash('sha256');
      let read = 0;
      for await (const chunk of body) {
        read += chunk.byteLength;
        if (read > maxBytes) {
          (body as { destroy?: () => void }).destroy?.();
          return null;
        }
        hash.update(chunk);
      }
      return hash.digest('hex');
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 || errorName(err) === 'NoSuchKey') return null;
      throw new ObjectStoreError(`GET ${key} failed: ${describe(err)}`);
    }
  }

  /** Releases the client's sockets. */
  close(): void {
    this.client.destroy();
  }
}

function base64ToHex(value: string): string | null {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const status = statusOf(err);
    return `${err.name}${status ? ` (HTTP ${status})` : ''}${err.message && err.message !== err.name ? `: ${err.message}` : ''}`;
  }
  return String(err);
}
