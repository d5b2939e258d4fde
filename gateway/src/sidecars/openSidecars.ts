import type pino from 'pino';
import type { GatewayCore } from '../core/GatewayCore.ts';
import { S3ObjectStore } from './S3ObjectStore.ts';
import type { S3Settings } from './S3Settings.ts';
import { SidecarService, type SidecarVerifyMode } from './SidecarService.ts';

/** How a gateway reaches its sidecar store (`GatewayDeps.sidecars`). */
export interface SidecarsConfig {
  /** The bucket and endpoint (embedded s3rver or `--s3 <url>`). */
  s3: S3Settings;
  /** `read` for stores that verify no signatures (s3rver). Default `head`. */
  verify?: SidecarVerifyMode;
  /** Presigned PUT lifetime, seconds. Default 300. */
  putTtlSeconds?: number;
  /** Presigned GET lifetime, seconds. Default 300. */
  getTtlSeconds?: number;
  /** Called when the gateway closes (stops an embedded store). */
  onClose?: () => Promise<void>;
}

/** A gateway's sidecars: the service the routes call, and its shutdown. */
export interface OpenedSidecars {
  readonly service: SidecarService;
  close(): Promise<void>;
}

/**
 * Builds the sidecar service over `core` and starts creating the bucket in the background
 * (a failure is logged; `POST /v1/sidecars` tries again and answers 503 while S3 is down).
 */
export function openSidecars(config: SidecarsConfig, core: GatewayCore, logger: pino.Logger): OpenedSidecars {
  const store = new S3ObjectStore(config.s3);
  const service = new SidecarService({
    core,
    store,
    logger,
    ...(config.verify ? { verify: config.verify } : {}),
    ...(config.putTtlSeconds !== undefined ? { putTtlSeconds: config.putTtlSeconds } : {}),
    ...(config.getTtlSeconds !== undefined ? { getTtlSeconds: config.getTtlSeconds } : {}),
  });
  store.ensureBucket().then(
    () => logger.debug({ endpoint: config.s3.endpoint, bucket: config.s3.bucket }, 'sidecar bucket ready'),
    (err: unknown) =>
      logger.warn({ err, endpoint: config.s3.endpoint }, 'sidecar store not reachable yet; POST /v1/sidecars retries'),
  );
  return {
    service,
    close: async () => {
      service.close();
      await config.onClose?.();
    },
  };
}
