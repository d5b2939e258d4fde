import type { S3ObjectStore } from './S3ObjectStore.ts';

/**
 * What the sidecar service asks of its store: an {@link S3ObjectStore}, or a `LazyObjectStore`
 * that opens one on first use (so a gateway that serves no sidecar never loads the S3 client).
 */
export type ObjectStore = Pick<
  S3ObjectStore,
  'bucket' | 'ensureBucket' | 'presignPut' | 'putObject' | 'deleteObject' | 'presignGet' | 'head' | 'sha256Of' | 'close'
>;
