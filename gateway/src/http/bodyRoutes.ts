import type { HttpDeps } from './HttpDeps.ts';

/** The defaults of {@link HttpDeps.limits} (bytes). */
export const BODY_LIMIT_DEFAULTS = Object.freeze({
  /** Commands, runs, sidecars, projects, presence tickets: 1 MiB. */
  bodyBytes: 1024 * 1024,
  /** `POST /v1/commands:batch`: 8 MiB. */
  batchBodyBytes: 8 * 1024 * 1024,
  /** Plugin calls and jobs (inline PNG frames): 16 MiB. */
  pluginBodyBytes: 16 * 1024 * 1024,
});

/** The body limit of `POST /v1/dev/tokens` (not configurable): 64 KiB. */
export const DEV_TOKEN_BODY_BYTES = 64 * 1024;

/** Which limit a route's body is read under: one of {@link HttpDeps.limits}, or the dev-token one. */
export type BodyLimitName = keyof typeof BODY_LIMIT_DEFAULTS | 'devToken';

/** A route that reads a JSON body. */
export interface BodyRoute {
  readonly method: 'POST' | 'PUT';
  /** The path as Express matches it (case-sensitive, optional trailing slash, a parameter is `[^/]+`). */
  readonly path: RegExp;
  readonly limit: BodyLimitName;
  /** The route checks the bearer token before it reads the body. */
  readonly auth: boolean;
  /** The route is registered only when this holds (else 404). */
  readonly servedWhen?: (deps: HttpDeps) => boolean;
}

/**
 * Every route that reads a JSON body, by name: the one place that says which limit each reads
 * under. The Express routes (`jsonBody(routeBodyLimit(deps, name), bodyBudgetOf(deps))`), `serveCommand` and
 * `answerBeforeContinue` all take it from here.
 */
export const BODY_ROUTES = Object.freeze({
  command: { method: 'POST', path: /^\/v1\/commands\/?$/, limit: 'bodyBytes', auth: true },
  commandBatch: { method: 'POST', path: /^\/v1\/commands:batch\/?$/, limit: 'batchBodyBytes', auth: true },
  pluginInvoke: {
    method: 'POST',
    path: /^\/v1\/plugins\/[^/]+\/tools\/[^/]+:invoke\/?$/,
    limit: 'pluginBodyBytes',
    auth: true,
  },
  job: { method: 'POST', path: /^\/v1\/jobs\/?$/, limit: 'pluginBodyBytes', auth: true },
  run: { method: 'POST', path: /^\/v1\/runs\/?$/, limit: 'bodyBytes', auth: true },
  sidecar: { method: 'POST', path: /^\/v1\/sidecars\/?$/, limit: 'bodyBytes', auth: true },
  sidecarComplete: { method: 'POST', path: /^\/v1\/sidecars\/[^/]+\/complete\/?$/, limit: 'bodyBytes', auth: true },
  lensPolicy: { method: 'PUT', path: /^\/v1\/projects\/[^/]+\/lens\/?$/, limit: 'bodyBytes', auth: true },
  canvasType: {
    method: 'PUT',
    path: /^\/v1\/projects\/[^/]+\/canvas-types\/[^/]+\/?$/,
    limit: 'bodyBytes',
    auth: true,
  },
  presenceTicket: {
    method: 'POST',
    path: /^\/v1\/presence\/tickets\/?$/,
    limit: 'bodyBytes',
    auth: true,
    servedWhen: (deps) => Boolean(deps.presence),
  },
  devToken: {
    method: 'POST',
    path: /^\/v1\/dev\/tokens\/?$/,
    limit: 'devToken',
    auth: false,
    servedWhen: (deps) => Boolean(deps.devSecret),
  },
} as const satisfies Record<string, BodyRoute>);

/** The name of a route in {@link BODY_ROUTES}. */
export type BodyRouteName = keyof typeof BODY_ROUTES;

/** The body limit (bytes) of a named limit, as configured in `deps` or by default. */
export function bodyLimit(deps: Pick<HttpDeps, 'limits'>, name: BodyLimitName): number {
  if (name === 'devToken') return DEV_TOKEN_BODY_BYTES;
  return deps.limits?.[name] ?? BODY_LIMIT_DEFAULTS[name];
}

/** The body limit (bytes) of a route of {@link BODY_ROUTES}. */
export function routeBodyLimit(deps: Pick<HttpDeps, 'limits'>, route: BodyRouteName): number {
  return bodyLimit(deps, BODY_ROUTES[route].limit);
}

const ROUTE_LIST: readonly BodyRoute[] = Object.values(BODY_ROUTES);

/**
 * The body route `method` and `path` (no query) reach on this gateway, or null (no such route, or
 * not served here).
 */
export function findBodyRoute(deps: HttpDeps, method: string | undefined, path: string): BodyRoute | null {
  if (method !== 'POST' && method !== 'PUT') return null;
  for (const route of ROUTE_LIST) {
    if (route.method !== method || !route.path.test(path)) continue;
    return route.servedWhen === undefined || route.servedWhen(deps) ? route : null;
  }
  return null;
}
