#!/usr/bin/env node
/**
 * The `easel` command line (contract §12), run from the repository root as `pnpm easel …`:
 * `serve` (the gateway alone), `token` (mint a JWT), `dev` (everything on embedded defaults).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  ACTOR_KINDS,
  type ActorKind,
  CONTRACT_EXAMPLE_LENS_POLICY,
  DEFAULT_LENS_POLICY,
  type LensPolicy,
  ROLE_PATTERN,
  roleSchema,
  slugSchema,
} from '@easel/schemas';
import { Command, InvalidArgumentError, Option } from 'commander';
import { agentsConfigFromEnv } from './agents/models/createModelPool.ts';
import { mintToken } from './auth/mintToken.ts';
import { createGateway, defaultLogger, type Gateway, openEmbeddedEngines } from './compose.ts';
import { BOARD_CANVAS_TYPE } from './core/canvasTypes/builtinCanvasTypes.ts';
import type { EventBus } from './core/bus/EventBus.ts';
import type { EventSpine } from './core/spine/EventSpine.ts';
import { httpSettingsProblem } from './http/createHttpServer.ts';
import { commandRateSettings } from './http/commandRateLimit.ts';
import type { EngineCheck } from './http/HttpDeps.ts';
import type { PresenceOptions } from './presence/index.ts';
import { listPluginFolders } from './plugins/index.ts';
import { prepareDataDir } from './prepareDataDir.ts';
import { acquireDataDirLock } from './spine/DataDirLock.ts';
import { sidecarsForServe } from './sidecars/sidecarsForServe.ts';
import { streamTuning } from './streamTuning.ts';

const DEFAULT_DATA = '.easel/data';
const DEV_SECRET_FILE = 'dev-secret';
/** Hard stop after a signal, in case something hangs while closing. */
const SHUTDOWN_DEADLINE_MS = 8000;

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return n;
}

/** `--roles a,b`: each must be a role name the gateway accepts (contract §2), at most 64. */
function parseRoles(value: string): string[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.find((r) => !roleSchema.safeParse(r).success);
  if (bad !== undefined) {
    throw new InvalidArgumentError(`'${bad}' is not a role name (${ROLE_PATTERN}); separate roles with commas`);
  }
  if (roles.length > 64) throw new InvalidArgumentError(`${roles.length} roles; a token carries at most 64`);
  return [...new Set(roles)];
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer (seconds)');
  return n;
}

/** The dev secret under `dataDir`, created (0600) when missing. */
export function devSecret(dataDir: string, create: boolean): string | null {
  const file = path.join(dataDir, DEV_SECRET_FILE);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (text) return text;
  }
  if (!create) return null;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

interface ServeOptions {
  port: number;
  host: string;
  data: string;
  durability: 'full' | 'normal';
  dev?: boolean;
  postgres?: string;
  redis?: string;
  pgSchema?: string;
  /** `--plugins <dir>` (repeatable): folders of plugin folders added to the built-ins. */
  plugins?: string[];
  /** `--s3 <url>`: sidecars on an external S3 (keys from `EASEL_S3_ACCESS_KEY`/`EASEL_S3_SECRET_KEY`); default embedded. */
  s3?: string;
  /** `--model-url <url>`: an OpenAI-compatible chat-completions endpoint for agent turns (else `EASEL_MODEL_URL`, else the local model). */
  modelUrl?: string;
  /** A built web app served at `/` (`easel dev`: the host app in `host/dist`). */
  hostDir?: string;
  /** `easel dev --no-app`: false = the gateway alone, no host app. */
  app?: boolean;
}

/** Collects a repeatable option's values. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The engines `serve` runs on: embedded (SQLite + in-process bus) or scale-out (PostgreSQL + Redis). */
async function openEngines(
  opts: ServeOptions,
  logger: ReturnType<typeof defaultLogger>,
): Promise<{ spine: EventSpine; bus: EventBus; engines?: EngineCheck[]; describe: object }> {
  if (opts.postgres !== undefined || opts.redis !== undefined) {
    if (opts.postgres === undefined || opts.redis === undefined) {
      console.error('easel serve: the scale-out mode needs both --postgres <url> and --redis <url>');
      process.exit(2);
    }
    // Loaded only here: the embedded gateway never loads the PostgreSQL and Redis clients.
    const { openScaleOutEngines } = await import('./scaleOutEngines.ts');
    const opened = await openScaleOutEngines({
      postgres: opts.postgres,
      redis: opts.redis,
      ...(opts.pgSchema ? { schema: opts.pgSchema } : {}),
      logger,
    });
    if (!opened.ok) {
      console.error(`easel serve: ${opened.message}`);
      process.exit(1);
    }
    return {
      spine: opened.value.spine,
      bus: opened.value.bus,
      engines: opened.value.checks,
      describe: { spine: 'postgres', bus: 'redis', schema: opts.pgSchema ?? 'easel' },
    };
  }
  const engines = openEmbeddedEngines({ dataDir: opts.data, durability: opts.durability, logger });
  if (!engines.ok) {
    console.error(`easel serve: ${engines.message}`);
    process.exit(1);
  }
  return {
    spine: engines.value.spine,
    bus: engines.value.bus,
    describe: { spine: 'sqlite', bus: 'memory', data: opts.data, durability: opts.durability },
  };
}

/** Starts the gateway; prints `listening on http://<host>:<port>` once /readyz would answer 200. */
async function serve(
  opts: ServeOptions,
  banner?: (gateway: Gateway, url: string, secret: string) => Promise<void>,
): Promise<void> {
  const logger = defaultLogger();
  if (opts.postgres === undefined && opts.redis === undefined) {
    // Embedded: one gateway per data directory (two would race on the spine). First, before the
    // dev secret, the embedded S3 or the plugins touch anything; the exit releases it, kill -9 too.
    const prepared = prepareDataDir(opts.data);
    if (!prepared.ok) {
      console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${prepared.message}`);
      process.exit(1);
    }
    const lock = acquireDataDirLock(path.resolve(opts.data));
    if (!lock.ok) {
      console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${lock.message}`);
      process.exit(1);
    }
  }
  const envSecret = process.env.EASEL_JWT_SECRET;
  let secret: string;
  if (envSecret) secret = envSecret;
  else if (opts.dev) {
    const existed = existsSync(path.join(opts.data, DEV_SECRET_FILE));
    secret = devSecret(opts.data, true)!;
    console.log(`dev secret (${existed ? 'from' : 'written to'} ${path.join(opts.data, DEV_SECRET_FILE)}): ${secret}`);
  } else {
    console.error('easel serve: set EASEL_JWT_SECRET (the HS256 secret tokens are signed with), or pass --dev');
    process.exit(2);
  }
  for (const dir of opts.plugins ?? []) {
    const listed = listPluginFolders(dir);
    if (!listed.ok) {
      console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${listed.error}`);
      process.exit(2);
    }
  }
  const sidecars = await sidecarsForServe({
    s3Url: opts.s3,
    dataDir: opts.data,
    logger,
    scaleOut: opts.postgres !== undefined,
    announce: Boolean(opts.dev),
    // `easel dev` announces the endpoint; `easel serve` starts the embedded store when a sidecar is asked for.
    embeddedStart: opts.dev ? 'now' : 'on-first-use',
  });
  if (!sidecars.ok) {
    console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${sidecars.message}`);
    process.exit(2);
  }
  const streams = streamTuning(process.env);
  if (!streams.ok) {
    console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${streams.message}`);
    process.exit(2);
  }
  const http = httpSettingsProblem(process.env);
  if (http !== null) {
    console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${http}`);
    process.exit(2);
  }
  const commandRate = commandRateSettings(process.env);
  if (!commandRate.ok) {
    console.error(`easel ${opts.dev ? 'dev' : 'serve'}: ${commandRate.message}`);
    process.exit(2);
  }
  const engines = await openEngines(opts, logger);
  const gateway = await createGateway({
    spine: engines.spine,
    bus: engines.bus,
    ...(engines.engines ? { engines: engines.engines } : {}),
    auth: { secret },
    dev: opts.dev ? { secret } : null,
    logger,
    streams: streams.value,
    presence: presenceTuning(opts),
    sidecars: sidecars.value,
    agents: agentsConfigFromEnv(opts.modelUrl),
    ...(opts.plugins && opts.plugins.length > 0 ? { pluginDirs: opts.plugins } : {}),
    ...(opts.hostDir ? { hostDir: opts.hostDir } : {}),
  });
  installShutdown(gateway);
  const address = await gateway.listen(opts.port, opts.host).catch(async (err: NodeJS.ErrnoException) => {
    const hint =
      err.code === 'EADDRINUSE'
        ? ' (another process holds this port: stop it, or pass another --port; 0 picks a free one)'
        : '';
    console.error(
      `easel ${opts.dev ? 'dev' : 'serve'}: cannot listen on ${opts.host}:${opts.port}: ${err.message}${hint}`,
    );
    // Close what started first: exiting while the spine's SQLite threads run can abort the
    // process (a native panic, SIGABRT) instead of exiting 1.
    const hard = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    hard.unref();
    await gateway.close().catch(() => undefined);
    process.exit(1);
  });
  // Ready means the spine answers (what /readyz checks).
  await gateway.core.spine.getRecord('readyz', 'probe');
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url, ...engines.describe, dev: Boolean(opts.dev) }, 'gateway ready');
  console.log(`listening on ${url}`);
  if (banner) await banner(gateway, url, secret);
}

/**
 * Presence (contract §7): across nodes through Redis in scale-out mode (same prefix as the bus);
 * ticket lifetime from `EASEL_PRESENCE_TICKET_TTL_MS` (≤ 60 000; tests shorten it).
 */
function presenceTuning(opts: ServeOptions): PresenceOptions {
  const out: PresenceOptions = {};
  const ttl = Number(process.env.EASEL_PRESENCE_TICKET_TTL_MS);
  if (Number.isInteger(ttl) && ttl >= 1 && ttl <= 60_000) out.ticketTtlMs = ttl;
  if (opts.redis !== undefined) {
    out.redisUrl = opts.redis;
    out.redisPrefix = `easel-${opts.pgSchema ?? 'easel'}`;
  }
  return out;
}

function installShutdown(gateway: Gateway): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    const hard = setTimeout(() => {
      gateway.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    hard.unref();
    gateway.close().then(
      () => {
        gateway.logger.flush?.();
        process.exit(0);
      },
      (err) => {
        gateway.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => gateway.logger.error({ err }, 'unhandled rejection'));
}

/** Demo actors printed by `easel dev`. */
const DEMO_ACTORS: Array<{ sub: string; roles: string[]; kind: ActorKind }> = [
  { sub: 'dana-director', roles: ['director'], kind: 'human' },
  { sub: 'pat-planner', roles: ['planner'], kind: 'human' },
  { sub: 'vic-viewer', roles: ['viewer'], kind: 'human' },
  { sub: 'ada-agent', roles: ['agent'], kind: 'agent' },
  { sub: 'alex-admin', roles: ['admin'], kind: 'human' },
];

/** The demo project's lens policy before the `agent` role (a data dir holding it is upgraded). */
const DEMO_POLICY_V1: LensPolicy = {
  ...CONTRACT_EXAMPLE_LENS_POLICY,
  roles: {
    ...CONTRACT_EXAMPLE_LENS_POLICY.roles,
    editor: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    viewer: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['*'], write: [] },
      sidecars: { see: true, resolve: false },
      commands: [],
    },
  },
};

/**
 * The demo project's lens policy: contract §6's example (director, planner) plus editor, viewer and
 * agent, so the host's actors differ: a planner reads `plan.*` tokens only (never `director.secret`),
 * a viewer writes nothing, the agent reads and writes everything through commands.
 */
const DEMO_POLICY: LensPolicy = {
  ...DEMO_POLICY_V1,
  roles: {
    ...DEMO_POLICY_V1.roles,
    agent: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
  },
};

/** JSON with sorted keys (policies compared regardless of key order). */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const DEMO_ADMIN = { actorId: 'easel-dev', tenantId: 'demo', kind: 'service' as const, roles: ['admin'] };

/** Installs the demo policy in tenant demo / project demo unless someone set another one already. */
async function installDemoPolicy(gateway: Gateway): Promise<void> {
  const current = await gateway.core.getLensPolicy(DEMO_ADMIN, 'demo');
  if (!current.ok) return;
  const now = stableJson(current.value);
  if (now !== stableJson(DEFAULT_LENS_POLICY) && now !== stableJson(DEMO_POLICY_V1)) return;
  const put = await gateway.core.putLensPolicy(DEMO_ADMIN, 'demo', DEMO_POLICY);
  if (!put.ok) gateway.logger.warn({ error: put.error }, 'could not install the demo lens policy');
}

/**
 * The demo project's `board`: the built-in plus a director-only token, `director.secret` (the
 * planner's lens reads `plan.*` only), for canvases created afterwards. A project that registered
 * its own `board` keeps it.
 */
async function installDemoBoard(gateway: Gateway): Promise<void> {
  const current = await gateway.core.getCanvasType(DEMO_ADMIN, 'demo', 'board');
  if (!current.ok || stableJson(current.value) !== stableJson(BOARD_CANVAS_TYPE)) return;
  const put = await gateway.core.putCanvasType(DEMO_ADMIN, 'demo', 'board', {
    ...BOARD_CANVAS_TYPE,
    tokens: {
      ...BOARD_CANVAS_TYPE.tokens,
      // A telling default: the manifest a non-admin reads (GET canvas-types, CANVAS_READY) is
      // lens-filtered, so neither this declaration nor its default reaches a planner (e2e lens test).
      'director.secret': { type: 'string', max_length: 200, default: 'Launch moves to Thursday (director only)' },
    },
  });
  if (!put.ok) gateway.logger.warn({ error: put.error }, 'could not install the demo board type');
}

/**
 * The host app's canvas types and bundled flows' canvases, set up here with the dev admin principal
 * (from `host/dist/easel-dev.json`), so a page never holds a token with more rights than its actor.
 */
async function installHostBootstrap(gateway: Gateway, hostDir: string): Promise<void> {
  const { installDevBootstrap } = await import('./dev/installDevBootstrap.ts');
  const report = await installDevBootstrap(gateway.core, DEMO_ADMIN, hostDir);
  for (const problem of report.problems) console.log(`host: ${problem}`);
  if (report.registered.length > 0) console.log(`host: registered canvas types ${report.registered.join(', ')}`);
  if (report.created.length > 0) console.log(`host: created canvases ${report.created.join(', ')}`);
}

async function devBanner(gateway: Gateway, url: string, secret: string, hostDir: string | null): Promise<void> {
  const withApp = hostDir !== null;
  await installDemoPolicy(gateway);
  await installDemoBoard(gateway);
  if (hostDir) await installHostBootstrap(gateway, hostDir);
  const lines = [
    `Easel dev gateway: ${url}`,
    `  health   ${url}/healthz   metrics ${url}/metrics`,
    `  plugins  ${gateway.plugins
      .list()
      .map((p) => `${p.name} (${p.state})`)
      .join(', ')}   ${url}/v1/plugins`,
    '',
    'Demo tokens (tenant "demo"; project "demo" has the demo lens policy: director, planner, viewer, agent; 12 h):',
  ];
  let adminToken = '';
  for (const actor of DEMO_ACTORS) {
    const token = await mintToken(secret, {
      tenant: 'demo',
      sub: actor.sub,
      roles: actor.roles,
      kind: actor.kind,
      ttlSeconds: 12 * 3600,
    });
    if (actor.roles.includes('admin')) adminToken = token;
    const label = actor.kind === 'agent' ? `agent (${actor.roles.join(',')})` : actor.roles.join(',');
    lines.push(`  ${label.padEnd(16)} ${actor.sub.padEnd(14)} ${token}`);
  }
  const scope = 'tenant_id=demo&project_id=demo&app_id=host&surface_id=main&mode=edit';
  lines.push(
    '',
    'Try it:',
    `  curl -s -X POST ${url}/v1/commands -H "Authorization: Bearer ${adminToken}" -H 'content-type: application/json' \\`,
    `    -d '{"command_id":"demo-1","type":"canvas.create","scope":{"tenant_id":"demo","project_id":"demo","app_id":"host","surface_id":"main","mode":"edit","canvas_id":"board-1"},"payload":{"canvas_type":"board"}}'`,
    `  curl -N "${url}/v1/canvases/board-1/events?${scope}&access_token=${adminToken}"`,
    `  More tokens: POST ${url}/v1/dev/tokens {"sub", "roles", "tenant_id"?, "kind"?}`,
  );
  if (withApp) {
    lines.push('', `Host app: ${url}/  (open one link per tab to collaborate; flows: demo, split, console)`);
    for (const actor of ['director', 'planner', 'viewer', 'agent']) {
      lines.push(`  ${actor.padEnd(9)} ${url}/?actor=${actor}&flow=demo`);
    }
  }
  console.log(lines.join('\n'));
}

/** The listening options `serve` and `dev` share: --port, --host and --data. */
function listenOptions(command: Command): Command {
  return command
    .option('--port <port>', 'port (0 = any free port)', parsePort, 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data <dir>', 'data directory', DEFAULT_DATA);
}

export function buildProgram(): Command {
  const program = new Command('easel').description('Easel: collaborative canvas gateway').showHelpAfterError();
  const durability = new Option('--durability <mode>', 'SQLite durability: full (power loss) or normal (kill -9)')
    .choices(['full', 'normal'])
    .default('full');

  listenOptions(
    program
      .command('serve')
      .description('run the gateway alone: embedded storage under --data, or --postgres and --redis (scale-out)'),
  )
    .addOption(durability)
    .option('--dev', 'dev mode: generated secret under --data, POST /v1/dev/tokens')
    .option('--postgres <url>', 'scale-out: the PostgreSQL event spine every node shares (with --redis)')
    .option('--redis <url>', 'scale-out: the Redis bus every node shares (with --postgres)')
    .option('--pg-schema <name>', 'scale-out: PostgreSQL schema of the spine tables', 'easel')
    .option('--plugins <dir>', 'add every plugin folder in <dir> to the built-ins (repeatable)', collect)
    .option('--s3 <url>', 'sidecars on this S3 endpoint (keys from EASEL_S3_ACCESS_KEY/EASEL_S3_SECRET_KEY)')
    .option('--model-url <url>', 'OpenAI-compatible endpoint for agent turns (EASEL_MODEL_NAME, EASEL_MODEL_KEY)')
    .action((opts: ServeOptions) => serve(opts));

  listenOptions(program.command('dev').description('everything on embedded defaults, with demo tokens printed'))
    .addOption(new Option('--durability <mode>', 'SQLite durability').choices(['full', 'normal']).default('normal'))
    .option('--plugins <dir>', 'add every plugin folder in <dir> to the built-ins (repeatable)', collect)
    .option('--s3 <url>', 'sidecars on this S3 endpoint instead of the embedded one (dev only, no signatures)')
    .option('--model-url <url>', 'OpenAI-compatible endpoint for agent turns (EASEL_MODEL_NAME, EASEL_MODEL_KEY)')
    .option('--no-app', 'the gateway alone: do not build or serve the host app')
    .action(async (opts: ServeOptions) => {
      // `easel dev` only: `serve` never loads the host build helpers.
      const { devHostDir } = await import('./dev/ensureHostBuilt.ts');
      const hostDir = opts.app === false ? null : await devHostDir((line) => console.log(line));
      return serve({ ...opts, dev: true, ...(hostDir ? { hostDir } : {}) }, (gateway, url, secret) =>
        devBanner(gateway, url, secret, hostDir),
      );
    });

  program
    .command('token')
    .description('print a signed JWT (secret from EASEL_JWT_SECRET, or the dev secret under --data)')
    .requiredOption('--tenant <tenant>', 'tenant_id claim')
    .requiredOption('--sub <actor>', 'sub claim (actor id)')
    .requiredOption(
      '--roles <roles>',
      'comma-separated roles (may be empty: the lens default_role applies)',
      parseRoles,
    )
    .addOption(new Option('--kind <kind>', 'actor kind').choices([...ACTOR_KINDS]).default('human'))
    .option('--ttl <seconds>', 'lifetime in seconds', parsePositive, 3600)
    .option('--data <dir>', 'data directory holding the dev secret', DEFAULT_DATA)
    .action(
      async (opts: { tenant: string; sub: string; roles: string[]; kind: ActorKind; ttl: number; data: string }) => {
        if (!slugSchema.safeParse(opts.tenant).success) {
          console.error('easel token: --tenant must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$');
          process.exit(2);
        }
        if (opts.sub.length === 0 || opts.sub.length > 256) {
          console.error('easel token: --sub must be 1 to 256 characters');
          process.exit(2);
        }
        if (opts.roles.length === 0) {
          console.error(
            "easel token: note: no roles; the token gets the lens policy's default_role, or nothing without one",
          );
        }
        const secret = process.env.EASEL_JWT_SECRET || devSecret(opts.data, false);
        if (!secret) {
          console.error(
            `easel token: set EASEL_JWT_SECRET, or run "easel dev"/"easel serve --dev" with --data ${opts.data} first`,
          );
          process.exit(2);
        }
        console.log(
          await mintToken(secret, {
            tenant: opts.tenant,
            sub: opts.sub,
            roles: opts.roles,
            kind: opts.kind,
            ttlSeconds: opts.ttl,
          }),
        );
      },
    );
  return program;
}

const isMain =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(`easel: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
