import type pino from 'pino';
import type { RunService } from '../agents/runs/RunService.ts';
import type { Verifier } from '../auth/createVerifier.ts';
import type { StreamHub } from '../core/fanout/StreamHub.ts';
import type { GatewayCore } from '../core/GatewayCore.ts';
import type { JobService } from '../jobs/index.ts';
import type { GatewayMetrics } from '../metrics/createMetrics.ts';
import type { PluginHost } from '../plugins/index.ts';
import type { PresenceTickets } from '../presence/PresenceTickets.ts';
import type { SidecarService } from '../sidecars/SidecarService.ts';
import type { ActorRateLimit } from '../core/limits/ActorRateLimit.ts';
import type { BodyBudget } from './BodyBudget.ts';
import type { FlushScheduler } from './FlushScheduler.ts';

/** One engine `/readyz` asks (PostgreSQL, Redis, …): ready when `ready()` resolves true in time. */
export interface EngineCheck {
  readonly name: string;
  readonly ready: () => Promise<boolean> | boolean;
}

/** What the Express adapter needs; wired in `compose.ts`. */
export interface HttpDeps {
  core: GatewayCore;
  hub: StreamHub;
  verifier: Verifier;
  metrics: GatewayMetrics;
  logger: pino.Logger;
  scheduler: FlushScheduler;
  /** The plugin host (contract §9): `/v1/plugins…` routes. */
  plugins: PluginHost;
  /** Jobs (contract §9): `/v1/jobs…` routes. */
  jobs: JobService;
  /** Runs (contract §10): `/v1/runs…` routes. Null or absent: they answer 503. */
  runs?: RunService | null;
  /** Sidecars (contract §8): `/v1/sidecars…` routes. Null or absent: they answer 503. */
  sidecars?: SidecarService | null;
  /** Presence tickets (contract §7): `POST /v1/presence/tickets`. Absent: the route is not served (404). */
  presence?: PresenceTickets | null;
  /** Dev mode: `POST /v1/dev/tokens` mints with this secret. Null or absent outside dev mode (route answers 404). */
  devSecret?: string | null;
  /**
   * Body limits in bytes. Defaults (`BODY_LIMIT_DEFAULTS`): 1 MiB, batch 8 MiB, plugin calls and
   * jobs (inline frames) 16 MiB. Which route reads under which: `BODY_ROUTES`.
   */
  limits?: { bodyBytes?: number; batchBodyBytes?: number; pluginBodyBytes?: number };
  /**
   * What all request bodies being received may hold together; over it a request is answered 503
   * `unavailable` with `Retry-After`; a body that brings no byte for its `idleMs` is answered 400
   * and closed. Default: the process-wide one (`processBodyBudget`, `EASEL_HTTP_BODY_BUDGET_BYTES`,
   * 256 MiB; `EASEL_HTTP_BODY_IDLE_MS`, 10 s).
   */
  bodyBudget?: BodyBudget;
  /**
   * The per-actor command rate limit of `POST /v1/commands` and `:batch` (null: none). Default:
   * the process-wide one (`processCommandRateLimit`: `EASEL_COMMAND_RATE`, 500 commands/s;
   * `EASEL_COMMAND_BURST`, 1000).
   */
  commandRate?: ActorRateLimit | null;
  /**
   * Engines `/readyz` reports besides the spine probe, by name. Default: the spine probe alone,
   * reported as `spine` and `bus` (embedded engines).
   */
  engines?: readonly EngineCheck[];
  /** True while the gateway shuts down (`/readyz` answers 503). */
  isShuttingDown?: () => boolean;
}
