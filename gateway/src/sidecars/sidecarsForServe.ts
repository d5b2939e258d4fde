import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type pino from 'pino';
import type { SidecarsConfig } from './openSidecars.ts';
import { sidecarsFromEnv } from './sidecarsFromEnv.ts';

/** When the embedded store starts: with the gateway, or at the first sidecar request. */
export const EMBEDDED_S3_STARTS = ['now', 'on-first-use'] as const;
export type EmbeddedS3Start = (typeof EMBEDDED_S3_STARTS)[number];

/** Options of {@link sidecarsForServe}. */
export interface SidecarsForServeOptions {
  /** `--s3 <url>`; undefined starts the embedded store. */
  s3Url: string | undefined;
  /** `--data <dir>`: the embedded store keeps objects under `<dir>/s3`. */
  dataDir: string;
  logger: pino.Logger;
  /** Several nodes share the spine (`--postgres`): an embedded store per node is wrong, say so. */
  scaleOut?: boolean;
  /** Print a human line to stdout (`easel dev`). */
  announce?: boolean;
  /**
   * When the embedded store (and the S3 client) start: `now` (`easel dev`: the endpoint is
   * announced), or `on-first-use` (`easel serve`: a gateway that serves no sidecar never loads
   * them). Default `now`.
   */
  embeddedStart?: EmbeddedS3Start;
  env?: NodeJS.ProcessEnv;
}

const DEV_ONLY_NOTE = 'embedded S3 (s3rver) for DEV ONLY: it does not verify signatures; use --s3 <url> in production';

/**
 * The sidecar store of `easel serve` / `easel dev`: `--s3 <url>` with keys from the environment,
 * or s3rver started in this process on loopback (DEV ONLY: it verifies no signatures, so
 * `complete` re-reads objects to hash them). A bad setting or an embedded store that cannot
 * start (now; or, on first use, whose directory cannot be created) is a message for the command line.
 */
export async function sidecarsForServe(
  options: SidecarsForServeOptions,
): Promise<{ ok: true; value: SidecarsConfig } | { ok: false; message: string }> {
  const env = sidecarsFromEnv(options.s3Url, options.env);
  if (!env.ok) return env;
  const tuning = {
    ...(env.value.putTtlSeconds !== undefined ? { putTtlSeconds: env.value.putTtlSeconds } : {}),
    ...(env.value.getTtlSeconds !== undefined ? { getTtlSeconds: env.value.getTtlSeconds } : {}),
  };
  if (env.value.external) {
    options.logger.info(
      { endpoint: env.value.external.endpoint, bucket: env.value.bucket },
      'sidecars on external S3 (path-style)',
    );
    return { ok: true, value: { s3: env.value.external, verify: env.value.verify ?? 'head', ...tuning } };
  }
  const bucket = env.value.bucket;
  const directory = path.join(options.dataDir, 's3');
  const cannotStart = (err: unknown) => `cannot start the embedded S3 store under ${directory}: ${String(err)}`;
  const start = async () => {
    const { startEmbeddedS3 } = await import('./startEmbeddedS3.ts');
    return startEmbeddedS3({ directory, bucket });
  };
  if (options.scaleOut)
    options.logger.warn('scale-out without --s3: each node has its own embedded store; pass --s3 <url> to share one');
  const verify = env.value.verify ?? 'read';
  if (options.embeddedStart === 'on-first-use') {
    // What the store does first when it starts: a data directory that cannot hold it stops the gateway now.
    try {
      mkdirSync(directory, { recursive: true });
    } catch (err) {
      return { ok: false, message: cannotStart(err) };
    }
    options.logger.warn({ bucket, directory }, `${DEV_ONLY_NOTE} (started at the first sidecar request)`);
    const onDemand = {
      bucket,
      start: async () => {
        try {
          const embedded = await start();
          options.logger.warn({ endpoint: embedded.settings.endpoint, bucket, directory }, DEV_ONLY_NOTE);
          return embedded;
        } catch (err) {
          throw new Error(cannotStart(err));
        }
      },
    };
    return { ok: true, value: { s3: onDemand, verify, ...tuning } };
  }
  let embedded: Awaited<ReturnType<typeof start>>;
  try {
    embedded = await start();
  } catch (err) {
    return { ok: false, message: cannotStart(err) };
  }
  options.logger.warn({ endpoint: embedded.settings.endpoint, bucket, directory }, DEV_ONLY_NOTE);
  if (options.announce) console.log(`sidecars: ${embedded.settings.endpoint}/${bucket} (${DEV_ONLY_NOTE})`);
  return { ok: true, value: { s3: embedded.settings, verify, ...tuning, onClose: () => embedded.close() } };
}
