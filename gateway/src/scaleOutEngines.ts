import type pino from 'pino';
import { RedisBus } from './bus/RedisBus.ts';
import type { EventBus } from './core/bus/EventBus.ts';
import { SequencedBus } from './core/bus/SequencedBus.ts';
import type { EventSpine } from './core/spine/EventSpine.ts';
import type { EngineCheck } from './http/HttpDeps.ts';
import { openPgSpine } from './spine/pg/index.ts';

/** Options of {@link openScaleOutEngines}. */
export interface ScaleOutEnginesOptions {
  /** PostgreSQL URL; every node of a deployment uses the same database and schema. */
  postgres: string;
  /** Redis URL; every node of a deployment uses the same Redis and prefix. */
  redis: string;
  /** PostgreSQL schema of the spine's tables. Default `easel`. */
  schema?: string;
  /** Redis channel prefix. Default: the schema name, so two deployments on one Redis stay apart. */
  prefix?: string;
  logger?: pino.Logger;
}

/**
 * The scale-out engines of `easel serve --postgres <url> --redis <url>`: the PostgreSQL spine
 * (shared by every node: write turns serialize each partition's writers) and the Redis bus,
 * wrapped so every node's subscribers get each durable event once and in order (gaps repaired
 * from the spine). `checks` feed `/readyz`.
 */
export async function openScaleOutEngines(
  options: ScaleOutEnginesOptions,
): Promise<
  { ok: true; value: { spine: EventSpine; bus: EventBus; checks: EngineCheck[] } } | { ok: false; message: string }
> {
  const logger = options.logger;
  const schema = options.schema ?? 'easel';
  const opened = await openPgSpine({
    url: options.postgres,
    schema,
    ...(logger ? { logger } : {}),
  });
  if (!opened.ok) return { ok: false, message: `cannot open the PostgreSQL spine: ${opened.error.message}` };
  const spine = opened.value;
  const redis = new RedisBus({
    url: options.redis,
    prefix: options.prefix ?? `easel-${schema}`,
    ...(logger ? { logger } : {}),
  });
  if (!(await redis.whenReady(10_000))) {
    await redis.close().catch(() => {});
    await spine.close().catch(() => {});
    return { ok: false, message: `cannot reach Redis at ${redactUrl(options.redis)} within 10 s` };
  }
  const bus = new SequencedBus(redis, spine, {
    ...(logger ? { logger } : {}),
  });
  const checks: EngineCheck[] = [
    { name: 'postgres', ready: () => spine.ready(1500) },
    { name: 'redis', ready: () => redis.status() === 'ready' },
  ];
  return { ok: true, value: { spine, bus, checks } };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
