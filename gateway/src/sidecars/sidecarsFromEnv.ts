import {
  DEFAULT_S3_BUCKET,
  DEFAULT_S3_REGION,
  parseBucketName,
  parseS3Endpoint,
  type S3Settings,
} from './parseS3Settings.ts';

/** What the environment says about sidecars (read by `easel serve` / `easel dev`). */
export interface SidecarEnv {
  /** `EASEL_S3_BUCKET` (default `easel`). */
  readonly bucket: string;
  /** `--s3 <url>` with `EASEL_S3_ACCESS_KEY` / `EASEL_S3_SECRET_KEY` / `EASEL_S3_REGION`; null: embedded s3rver. */
  readonly external: S3Settings | null;
  /** `EASEL_SIDECAR_PUT_TTL_S`: presigned PUT lifetime, seconds. */
  readonly putTtlSeconds?: number;
  /** `EASEL_SIDECAR_GET_TTL_S`: presigned GET lifetime, seconds. */
  readonly getTtlSeconds?: number;
  /** `EASEL_S3_VERIFY=read`: also hash objects at complete (for stores that verify nothing). */
  readonly verify?: 'head' | 'read';
}

function seconds(env: NodeJS.ProcessEnv, name: string): { ok: true; value?: number } | { ok: false; message: string } {
  const text = env[name];
  if (text === undefined || text === '') return { ok: true };
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 604_800)
    return { ok: false, message: `${name} must be a whole number of seconds from 1 to 604800, not "${text}"` };
  return { ok: true, value: n };
}

/**
 * Reads the sidecar settings: `s3Url` is `--s3 <url>` (external S3: credentials required from
 * `EASEL_S3_ACCESS_KEY` / `EASEL_S3_SECRET_KEY`), undefined for the embedded store.
 */
export function sidecarsFromEnv(
  s3Url: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; value: SidecarEnv } | { ok: false; message: string } {
  const bucket = parseBucketName(env.EASEL_S3_BUCKET || DEFAULT_S3_BUCKET);
  if (!bucket.ok) return bucket;
  const putTtl = seconds(env, 'EASEL_SIDECAR_PUT_TTL_S');
  if (!putTtl.ok) return putTtl;
  const getTtl = seconds(env, 'EASEL_SIDECAR_GET_TTL_S');
  if (!getTtl.ok) return getTtl;
  const verifyText = env.EASEL_S3_VERIFY;
  if (verifyText !== undefined && verifyText !== '' && verifyText !== 'head' && verifyText !== 'read')
    return { ok: false, message: `EASEL_S3_VERIFY must be "head" or "read", not "${verifyText}"` };
  const verify: 'head' | 'read' | undefined = verifyText === 'head' || verifyText === 'read' ? verifyText : undefined;
  const tuning = {
    ...(putTtl.value !== undefined ? { putTtlSeconds: putTtl.value } : {}),
    ...(getTtl.value !== undefined ? { getTtlSeconds: getTtl.value } : {}),
    ...(verify !== undefined ? { verify } : {}),
  };
  if (s3Url === undefined) return { ok: true, value: { bucket: bucket.value, external: null, ...tuning } };
  const endpoint = parseS3Endpoint(s3Url);
  if (!endpoint.ok) return endpoint;
  const accessKeyId = env.EASEL_S3_ACCESS_KEY;
  const secretAccessKey = env.EASEL_S3_SECRET_KEY;
  if (!accessKeyId || !secretAccessKey)
    return { ok: false, message: '--s3 needs the credentials in EASEL_S3_ACCESS_KEY and EASEL_S3_SECRET_KEY' };
  return {
    ok: true,
    value: {
      bucket: bucket.value,
      external: {
        endpoint: endpoint.value,
        region: env.EASEL_S3_REGION || DEFAULT_S3_REGION,
        bucket: bucket.value,
        accessKeyId,
        secretAccessKey,
      },
      ...tuning,
    },
  };
}
