import path from 'node:path';
import type pino from 'pino';
import type { SidecarsConfig } from './openSidecars.ts';
import { sidecarsFromEnv } from './sidecarsFromEnv.ts';
import { startEmbeddedS3 } from './startEmbeddedS3.ts';

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
  env?: NodeJS.ProcessEnv;
}

/**
 * The sidecar store of `easel serve` / `easel dev`: `--s3 <url>` with keys from the environment,
 * or s3rver started in this process on loopback (DEV ONLY: it verifies no signatures, so
 * `complete` re-reads objects to hash them). A bad setting or an embedded store that cannot
 * start is a message for the command line.
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
  const directory = path.join(options.dataDir, 's3');
  let embedded: Awaited<ReturnType<typeof startEmbeddedS3>>;
  try {
    embedded = await startEmbeddedS3({ directory, bucket: env.value.bucket });
  } catch (err) {
    return { ok: false, message: `cannot start the embedded S3 store under ${directory}: ${String(err)}` };
  }
  const note = 'embedded S3 (s3rver) for DEV ONLY: it does not verify signatures; use --s3 <url> in production';
  options.logger.warn({ endpoint: embedded.settings.endpoint, bucket: env.value.bucket, directory }, note);
  if (options.scaleOut)
    options.logger.warn('scale-out without --s3: each node has its own embedded store; pass --s3 <url> to share one');
  if (options.announce) console.log(`sidecars: ${embedded.settings.endpoint}/${env.value.bucket} (${note})`);
  return {
    ok: true,
    value: { s3: embedded.settings, verify: env.value.verify ?? 'read', ...tuning, onClose: () => embedded.close() },
  };
}
