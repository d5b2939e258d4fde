import { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './parseS3Settings.ts';

// The settings' shape, defaults and parsers live in `parseS3Settings.ts` (no SDK: the command
// line checks them before anything loads the S3 client).

/**
 * The S3 client settings that work with both s3rver (dev) and real S3 (RGW, AWS), see README:
 * - `forcePathStyle: true`: `http://host:port/<bucket>/<key>`; loopback endpoints have no
 *   per-bucket DNS names.
 * - `requestChecksumCalculation` / `responseChecksumValidation: 'WHEN_REQUIRED'`: the SDK's
 *   default (`WHEN_SUPPORTED`) streams bodies as `aws-chunked` with trailing CRC32 checksums,
 *   which s3rver stores verbatim inside the object and older RGW rejects; Easel binds its own
 *   SHA-256 into presigned PUTs instead.
 */
export function createS3Client(settings: S3Settings): S3Client {
  // The SDK warns once per process that releases after January 2027 need Node 22; the lockfile
  // pins a release that runs on Node 20 (see README). Keep the log clean unless asked otherwise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    maxAttempts: 2,
  });
}
