/** Where sidecar objects live: one bucket of an S3-compatible endpoint (contract §8). */
export interface S3Settings {
  /** Endpoint URL, e.g. `http://127.0.0.1:7480` (path-style addressing is always used). */
  readonly endpoint: string;
  /** Signing region. Default `us-east-1` (RGW and s3rver accept any). */
  readonly region: string;
  /** Bucket holding every sidecar (created at start when missing). */
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Default bucket (`EASEL_S3_BUCKET`). */
export const DEFAULT_S3_BUCKET = 'easel';
/** Default signing region (`EASEL_S3_REGION`). */
export const DEFAULT_S3_REGION = 'us-east-1';

/** Validates an endpoint URL given on the command line (`--s3 <url>`): http(s), no path, query or credentials. */
export function parseS3Endpoint(text: string): { ok: true; value: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `--s3 must be a URL like http://127.0.0.1:7480, not "${text}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, message: `--s3 must be an http:// or https:// URL, not "${text}"` };
  if (url.username || url.password)
    return { ok: false, message: '--s3 must not carry credentials: set EASEL_S3_ACCESS_KEY and EASEL_S3_SECRET_KEY' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    return { ok: false, message: `--s3 must be the endpoint's origin only (no path or query), not "${text}"` };
  return { ok: true, value: url.origin };
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Validates a bucket name (`EASEL_S3_BUCKET`): 3 to 63 of `a-z 0-9 . -`, starting and ending alphanumeric. */
export function parseBucketName(name: string): { ok: true; value: string } | { ok: false; message: string } {
  return BUCKET_RE.test(name) && !name.includes('..')
    ? { ok: true, value: name }
    : { ok: false, message: `EASEL_S3_BUCKET must be an S3 bucket name (3-63 of a-z, 0-9, '.', '-'), not "${name}"` };
}
