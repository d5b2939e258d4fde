// Sidecars on S3 (contract §8). Named exports only.
export { openSidecars, type OpenedSidecars, type S3OnDemand, type SidecarsConfig } from './openSidecars.ts';
export { LazyObjectStore, type OpenedObjectStore } from './LazyObjectStore.ts';
export type { ObjectStore } from './ObjectStore.ts';
export {
  SIDECAR_VERIFY_MODES,
  SidecarService,
  type SidecarCompleteResponse,
  type SidecarServiceOptions,
  type SidecarVerifyMode,
  type StoreBytesOptions,
} from './SidecarService.ts';
export { ObjectStoreError, S3ObjectStore, type ObjectHead } from './S3ObjectStore.ts';
export { sha256Hex } from './sha256Hex.ts';
export { createS3Client } from './S3Settings.ts';
export {
  DEFAULT_S3_BUCKET,
  DEFAULT_S3_REGION,
  parseBucketName,
  parseS3Endpoint,
  type S3Settings,
} from './parseS3Settings.ts';
export { hexToBase64, presignPut, SHA256_META, type PresignedPut, type PutBinding } from './presignPut.ts';
export { startEmbeddedS3, type EmbeddedS3, type EmbeddedS3Options } from './startEmbeddedS3.ts';
export { sidecarsFromEnv, type SidecarEnv } from './sidecarsFromEnv.ts';
export {
  EMBEDDED_S3_STARTS,
  type EmbeddedS3Start,
  sidecarsForServe,
  type SidecarsForServeOptions,
} from './sidecarsForServe.ts';
export { sidecarObjectKey, sidecarUri } from './sidecarKey.ts';
export {
  parseSidecarRecord,
  SIDECAR_RECORD_KIND,
  SIDECAR_STATES,
  sidecarRecordKey,
  sidecarRecordSchema,
  type SidecarRecord,
  type SidecarState,
} from './SidecarRecord.ts';
export { VERIFY_FAILURES, verifyObject, type VerifyFailure, type VerifyFailureReason } from './verifyObject.ts';
