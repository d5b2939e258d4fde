import type { ObjectHead } from './S3ObjectStore.ts';

/** What the uploader declared at `POST /v1/sidecars`. */
export interface DeclaredObject {
  readonly size: number;
  readonly mime: string;
  readonly sha256: string;
}

/** Why a stored object does not match its declaration (`details.reason` of the 409). */
export const VERIFY_FAILURES = {
  not_uploaded: 'nothing was uploaded under this artifact yet: PUT the bytes to the presigned URL first',
  size_mismatch: 'the stored object has another size than declared',
  type_mismatch: 'the stored object has another Content-Type than declared',
  checksum_mismatch: 'the stored object has another SHA-256 than declared',
  checksum_unknown:
    'the store reports no SHA-256 for the object: upload it with the presigned URL and headers as given',
} as const;

export type VerifyFailureReason = keyof typeof VERIFY_FAILURES;

export interface VerifyFailure {
  readonly reason: VerifyFailureReason;
  readonly message: string;
  readonly expected?: string | number;
  readonly actual?: string | number | null;
}

/** `type/subtype` in lower case, without parameters. */
function essence(mime: string): string {
  return mime.split(';', 1)[0]!.trim().toLowerCase();
}

function failure(
  reason: VerifyFailureReason,
  expected?: string | number,
  actual?: string | number | null,
): { ok: false; error: VerifyFailure } {
  const error: VerifyFailure = {
    reason,
    message: VERIFY_FAILURES[reason],
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
  };
  return { ok: false, error };
}

/**
 * Compares a stored object with its declaration. Every hash the store offers must equal the
 * declared one: the hash read back from the bytes (`readSha256`, stores that do not verify
 * signed payload hashes), the store's own checksum, and the signed `x-amz-meta-sha256` (which
 * the store checked against the body when it verifies SigV4 payload hashes). Pure; never throws.
 */
export function verifyObject(
  declared: DeclaredObject,
  head: ObjectHead | null,
  readSha256?: string | null,
): { ok: true } | { ok: false; error: VerifyFailure } {
  if (head === null) return failure('not_uploaded');
  if (head.size !== declared.size) return failure('size_mismatch', declared.size, head.size);
  if (head.mime === null || essence(head.mime) !== essence(declared.mime))
    return failure('type_mismatch', declared.mime, head.mime);
  const hashes = [readSha256, head.storeSha256, head.declaredSha256];
  if (readSha256 === null) return failure('not_uploaded');
  for (const hash of hashes) {
    if (hash !== undefined && hash !== null && hash !== declared.sha256)
      return failure('checksum_mismatch', declared.sha256, hash);
  }
  if (hashes.every((h) => h === undefined || h === null)) return failure('checksum_unknown', declared.sha256, null);
  return { ok: true };
}
