import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import pino from 'pino';
import { type AgentsConfig, createModelPool } from './agents/models/createModelPool.ts';
import type { ModelPool } from './agents/models/ModelPool.ts';
import { RunService, type RunServiceOptions } from './agents/runs/RunService.ts';
import { InteractionManager } from './agents/turns/InteractionManager.ts';
import { createVerifier, type VerifierOptions } from './auth/createVerifier.ts';
import { MemoryBus } from './bus/MemoryBus.ts';
import type { EventBus } from './core/bus/EventBus.ts';
import { StreamHub, type StreamHubOptions } from './core/fanout/StreamHub.ts';
import { type CoreDeps, GatewayCore } from './core/GatewayCore.ts';
import type { EventSpine } from './core/spine/EventSpine.ts';
import { createApp } from './http/createApp.ts';
import { createHttpServer } from './http/createHttpServer.ts';
import { createRequestListener } from './http/createRequestListener.ts';
import { FlushScheduler } from './http/FlushScheduler.ts';
import { withStaticHost } from './http/staticHost.ts';
import type { EngineCheck, HttpDeps } from './http/HttpDeps.ts';
import { JobService, type JobServiceOptions } from './jobs/index.ts';
import { createMetrics, type GatewayMetrics } from './metrics/createMetrics.ts';
import { meteredSpine } from './metrics/meteredSpine.ts';
import {
  builtinPluginFolders,
  listPluginFolders,
  openPluginHost,
  type PluginFolder,
  type PluginHostLimits,
  type SandboxPluginHost,
} from './plugins/index.ts';
import { createPresence, type Presence, type PresenceOptions } from './presence/index.ts';
import { openSidecars, type SidecarsConfig } from './sidecars/openSidecars.ts';
import { type Durability, openSqliteSpine, SQLITE_WRITERS, type SqliteWriter } from './spine/openSqliteSpine.ts';

/** What {@link createGateway} wires together. Engines are chosen by the caller (`cli.ts`). */
export interface GatewayDeps {
  /** The event spine (SQLite embedded, PostgreSQL scale-out). Closed by `close()`. */
  spine: EventSpine;
  /** The bus (in process, Redis). Closed by `close()`. */
  bus: EventBus;
  /** Token verification: `{secret}` (HS256) or `{jwksUrl}`. */
  auth: VerifierOptions;
  /** Dev mode: enables `POST /v1/dev/tokens` minting with this secret. Default off. */
  dev?: { secret: string } | null;
  /** Logger. Default: pino at `EASEL_LOG_LEVEL` (info) to stderr. */
  logger?: pino.Logger;
  /** Request body limits. Defaults 1 MiB, batch 8 MiB. */
  limits?: HttpDeps['limits'];
  /** Fan-out tunables (keep-alive, byte budget, …). */
  streams?: Omit<StreamHubOptions, 'metrics' | 'logger'>;
  /** Core tunables (event size, idle unload, snapshot cadence). */
  core?: CoreDeps['limits'];
  /** Metrics registry. Default: a fresh one with process metrics. */
  metrics?: GatewayMetrics;
  /** Engines `/readyz` reports (scale-out: `postgres`, `redis`). Default: the spine probe alone. */
  engines?: readonly EngineCheck[];
  /** How long `close()` lets open connections finish before cutting them, ms. Default 2000. */
  closeGraceMs?: number;
  /**
   * Directories of plugin folders loaded besides the built-ins (`easel serve --plugins <dir>`;
   * a directory holding `plugin.json` is one plugin). A missing directory throws: check it first
   * with `listPluginFolders`. Default none.
   */
  pluginDirs?: readonly string[];
  /** Load the built-in plugins (`gateway/src/plugins/builtin`). Default true. */
  builtinPlugins?: boolean;
  /** Plugin host tunables (idle stop, timeouts, breaker, backoff). */
  pluginLimits?: PluginHostLimits;
  /** Job service tunables (concurrency, queue, progress rate, persistence, lease). */
  jobs?: Omit<JobServiceOptions, 'core' | 'plugins' | 'pluginChanges' | 'logger'>;
  /** Run service tunables (issue 6: the runs' model, live runs per node). */
  runs?: Omit<RunServiceOptions, 'core' | 'plugins' | 'models' | 'logger'>;
  /** Sidecars (contract §8): the S3 store and tunables. Default none (`/v1/sidecars…` answer 503). Closed by `close()`. */
  sidecars?: SidecarsConfig | null;
  /**
   * Presence over WebSocket (contract §7): `POST /v1/presence/tickets` and `/v1/presence`.
   * Default on, in process; `{redisUrl}` across nodes (scale-out); `false` turns it off.
   */
  presence?: PresenceOptions | false;
  /**
   * Agents (issue 6): the models interactive turns use (`--model-url`, `EASEL_MODEL_*`) and turn
   * tunables. Default: the built-in local model (no network).
   */
  agents?: AgentsConfig;
  /**
   * A built web app (`host/dist`, `easel dev`) served at `/` with an `index.html` fallback; never
   * shadows `/v1…`, `/healthz`, `/readyz` or `/metrics`. Default none.
   */
  hostDir?: string;
}

/** A composed gateway. */
export interface Gateway {
  readonly app: Express;
  readonly core: GatewayCore;
  readonly hub: StreamHub;
  readonly metrics: GatewayMetrics;
  readonly logger: pino.Logger;
  /** The plugin host (built-ins plus `pluginDirs`). Closed by `close()`. */
  readonly plugins: SandboxPluginHost;
  /** Jobs. Closed by `close()` (running jobs end `failed`, kind `interrupted`). */
  readonly jobs: JobService;
  /** Runs (contract §10). Closed by `close()` (live runs end `stopped`, reason `interrupted`). */
  readonly runs: RunService;
  /** Presence (tickets and the Hocuspocus mount); null when turned off. Closed by `close()`. */
  readonly presence: Presence | null;
  /** The model pool (`local`, plus the configured OpenAI-compatible model). Closed by `close()`. */
  readonly models: ModelPool;
  /** Interactive turns (`chat.send` / `turn.cancel`). Closed by `close()` (running turns end `shutdown`). */
  readonly interactions: InteractionManager;
  /** The HTTP server once `listen` was called. */
  readonly server: Server | null;
  /** Starts listening; resolves with the bound address (port 0 = any free port). */
  listen(port: number, host?: string): Promise<{ port: number; host: string; url: string }>;
  /** Graceful stop: stop accepting, close streams, close the core (snapshots), the bus and the spine. */
  close(): Promise<void>;
}

/** The default logger: JSON lines to stderr at `EASEL_LOG_LEVEL` (default `info`). */
export function defaultLogger(level = process.env.EASEL_LOG_LEVEL ?? 'info'): pino.Logger {
  return pino({ level, base: { svc: 'easel-gateway' } }, pino.destination({ dest: 2, sync: false }));
}

/** Builds the gateway around a `GatewayCore` on the given engines (the one composition point). */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const logger = deps.logger ?? defaultLogger();
  const metrics = deps.metrics ?? createMetrics();
  const verifier = createVerifier(deps.auth);
  const spine = meteredSpine(deps.spine, metrics);
  const core = await GatewayCore.open({
    spine,
    bus: deps.bus,
    logger,
    ...(deps.core ? { limits: deps.core } : {}),
  });
  const hub = new StreamHub(core, { ...deps.streams, metrics: metrics.fanout, logger });
  const models = createModelPool(deps.agents?.models);
  // Ends turns a stopped gateway left open before anything is served.
  const interactions = await InteractionManager.start({
    core,
    pool: models,
    logger: logger.child({ component: 'turns' }),
    ...(deps.agents?.commitDelayMs !== undefined ? { commitDelayMs: deps.agents.commitDelayMs } : {}),
  });
  const plugins = await openPluginHost({
    folders: pluginFolders(deps),
    logger: logger.child({ component: 'plugins' }),
    ...(deps.pluginLimits ? { limits: deps.pluginLimits } : {}),
  });
  // Before the jobs: a succeeded job's images become sidecars when a store is configured.
  const sidecars = deps.sidecars ? openSidecars(deps.sidecars, core, logger.child({ component: 'sidecars' })) : null;
  const jobs = await JobService.open({
    ...deps.jobs,
    ...(sidecars ? { sidecars: sidecars.service } : {}),
    core,
    plugins,
    pluginChanges: (listener) => plugins.subscribe(listener),
    logger: logger.child({ component: 'jobs' }),
  });
  const runs = await RunService.open({
    ...deps.runs,
    core,
    plugins,
    models,
    logger: logger.child({ component: 'runs' }),
  });
  const engines: EngineCheck[] = [
    ...(deps.engines ?? [
      { name: 'spine', ready: () => true },
      { name: 'bus', ready: () => true },
    ]),
    { name: 'plugins', ready: () => plugins.ready() },
  ];
  let shuttingDown = false;
  const presence =
    deps.presence === false
      ? null
      : await createPresence({
          core,
          logger: logger.child({ component: 'presence' }),
          registry: metrics.registry,
          options: deps.presence ?? {},
        });
  const httpDeps: HttpDeps = {
    core,
    hub,
    verifier,
    metrics,
    logger,
    scheduler: new FlushScheduler(),
    plugins,
    jobs,
    runs,
    sidecars: sidecars?.service ?? null,
    presence: presence?.tickets ?? null,
    devSecret: deps.dev?.secret ?? null,
    ...(deps.limits ? { limits: deps.limits } : {}),
    isShuttingDown: () => shuttingDown,
    engines,
  };
  const app = createApp(httpDeps);
  const apiListener = createRequestListener(app, httpDeps);
  const listener = deps.hostDir ? withStaticHost(apiListener, { dir: deps.hostDir }) : apiListener;
  let server: Server | null = null;
  let closing: Promise<void> | null = null;

  const gateway: Gateway = {
    app,
    core,
    hub,
    metrics,
    logger,
    plugins,
    jobs,
    runs,
    presence,
    models,
    interactions,
    get server() {
      return server;
    },
    listen(port, host = '127.0.0.1') {
      if (server) throw new Error('the gateway is already listening');
      // Requests node's parser rejects, slow or Host-less ones get a contract §3 JSON body too.
      const s = createHttpServer(listener, logger);
      server = s;
      presence?.attach(s);
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          const address = s.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ port: address.port, host: address.address, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        const s = server;
        const serverClosed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
        hub.close('shutdown');
        // Presence sockets are upgraded connections the server waits for: close them now.
        const presenceClosed = safely(logger, 'presence.close', async () => presence?.close());
        s?.closeIdleConnections();
        const grace = deps.closeGraceMs ?? 2000;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          serverClosed,
          new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              s?.closeAllConnections();
              resolve();
            }, grace);
          }),
        ]);
        clearTimeout(timer);
        await presenceClosed;
        await safely(logger, 'interactions.close', () => interactions.close());
        await safely(logger, 'runs.close', () => runs.close());
        await safely(logger, 'jobs.close', () => jobs.close());
        await safely(logger, 'sidecars.close', async () => sidecars?.close());
        await safely(logger, 'plugins.close', () => plugins.close());
        await safely(logger, 'models.close', () => models.close());
        await safely(logger, 'core.close', () => core.close());
        await safely(logger, 'bus.close', () => deps.bus.close());
        await safely(logger, 'spine.close', () => deps.spine.close());
      })();
      return closing;
    },
  };
  return gateway;
}

/** The plugin folders of a gateway: the built-ins, then every folder of each `pluginDirs` entry. */
function pluginFolders(deps: GatewayDeps): PluginFolder[] {
  const folders = deps.builtinPlugins === false ? [] : builtinPluginFolders();
  for (const dir of deps.pluginDirs ?? []) {
    const listed = listPluginFolders(dir);
    if (!listed.ok) throw new Error(listed.error);
    folders.push(...listed.value);
  }
  return folders;
}

async function safely(logger: pino.Logger, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    logger.error({ err }, `${what} failed during shutdown`);
  }
}

/** Options of {@link openEmbeddedEngines}. */
export interface EmbeddedEnginesOptions {
  /** Data directory (created when missing); the spine is `<dataDir>/easel.db`. */
  dataDir: string;
  /** SQLite durability: `full` (default, survives power loss) or `normal` (survives kill -9). */
  durability?: Durability;
  /**
   * Where the SQLite spine writes (`worker`, `inline`, `pipelined`; see `SqliteSpineOptions.writer`).
   * Default: the `EASEL_SQLITE_WRITER` environment variable, else the spine's default.
   */
  writer?: SqliteWriter;
  logger?: pino.Logger;
}

/** The embedded engines of `easel serve` / `easel dev`: a SQLite spine (WAL) and the in-process bus. */
export function openEmbeddedEngines(
  options: EmbeddedEnginesOptions,
): { ok: true; value: { spine: EventSpine; bus: EventBus; dbPath: string } } | { ok: false; message: string } {
  try {
    mkdirSync(options.dataDir, { recursive: true });
  } catch (err) {
    return { ok: false, message: `cannot create the data directory ${options.dataDir}: ${String(err)}` };
  }
  const dbPath = `${options.dataDir.replace(/\/+$/, '')}/easel.db`;
  const writer = options.writer ?? (process.env.EASEL_SQLITE_WRITER || undefined);
  if (writer !== undefined && !(SQLITE_WRITERS as readonly string[]).includes(writer)) {
    return { ok: false, message: `EASEL_SQLITE_WRITER must be one of ${SQLITE_WRITERS.join(', ')}, not ${writer}` };
  }
  const opened = openSqliteSpine({
    path: dbPath,
    durability: options.durability ?? 'full',
    ...(writer === undefined ? {} : { writer: writer as SqliteWriter }),
  });
  if (!opened.ok) return { ok: false, message: `cannot open the event spine at ${dbPath}: ${opened.error.message}` };
  const logger = options.logger;
  const bus = new MemoryBus(logger ? { logger: { error: (details, message) => logger.error(details, message) } } : {});
  return { ok: true, value: { spine: opened.value, bus, dbPath } };
}
