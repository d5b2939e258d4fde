import type pino from 'pino';
import type { GatewayCore } from '../core/GatewayCore.ts';
import { LazyObjectStore } from './LazyObjectStore.ts';
import type { S3Settings } from './parseS3Settings.ts';
import { SidecarService, type SidecarVerifyMode } from './SidecarService.ts';

/**
 * An S3 store started on first use (`easel serve`'s embedded s3rver): neither it nor the S3
 * client is loaded before a sidecar is asked for.
 */
export interface S3OnDemand {
  /** The bucket sidecars go to (known before the store runs). */
  readonly bucket: string;
  /** Starts the store. A rejection fails that use (503) and is tried again at the next. */
  start(): Promise<{ readonly settings: S3Settings; close(): Promise<void> }>;
}

/** How a gateway reaches its sidecar store (`GatewayDeps.sidecars`). */
export interface SidecarsConfig {
  /** The bucket and endpoint (a running embedded s3rver, or `--s3 <url>`), or a store started on first use. */
  s3: S3Settings | S3OnDemand;
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
 * Builds the sidecar service over `core`. The S3 client is loaded on the first store call; with
 * settings given, that call is made now, in the background, creating the bucket (a failure is
 * logged; `POST /v1/sidecars` tries again and answers 503 while S3 is down). A store started on
 * demand ({@link S3OnDemand}) starts at the first sidecar request instead.
 */
export function openSidecars(config: SidecarsConfig, core: GatewayCore, logger: pino.Logger): OpenedSidecars {
  const s3 = config.s3;
  const store = new LazyObjectStore(s3.bucket, async () => {
    const started = 'start' in s3 ? await s3.start() : null;
    try {
      const { S3ObjectStore } = await import('./S3ObjectStore.ts');
      const opened = new S3ObjectStore(started ? started.settings : (s3 as S3Settings));
      return started ? { store: opened, stop: () => started.close() } : { store: opened };
    } catch (err) {
      await started?.close();
      throw err;
    }
  });
  const service = new SidecarService({
    core,
    store,
    logger,
    ...(config.verify ? { verify: config.verify } : {}),
    ...(config.putTtlSeconds !== undefined ? { putTtlSeconds: config.putTtlSeconds } : {}),
    ...(config.getTtlSeconds !== undefined ? { getTtlSeconds: config.getTtlSeconds } : {}),
  });
  if (!('start' in s3)) {
    store.ensureBucket().then(
      () => logger.debug({ endpoint: s3.endpoint, bucket: s3.bucket }, 'sidecar bucket ready'),
      (err: unknown) =>
        logger.warn({ err, endpoint: s3.endpoint }, 'sidecar store not reachable yet; POST /v1/sidecars retries'),
    );
  }
  return {
    service,
    close: async () => {
      service.close();
      await store.stopped();
      await config.onClose?.();
    },
  };
}
