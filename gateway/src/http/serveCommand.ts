import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { stageTrace } from '../trace/StageTrace.ts';
import { fastUlid as ulid } from '../core/ids/fastUlid.ts';
import { answerCommand, type CommandRoute } from './answerCommand.ts';
import { bodyBudgetOf, sendBodyBudgetBusy } from './BodyBudget.ts';
import { sendBodyIdle } from './BodyIdleWatch.ts';
import { routeBodyLimit } from './bodyRoutes.ts';
import { describeJsonBodyFailure } from './describeJsonBodyFailure.ts';
import { requestBearerToken } from './authenticate.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { type BodyFailure, readJsonBody } from './readJsonBody.ts';
import { sendRawError } from './sendError.ts';

/** The command paths as Express matches them (case-sensitive, optional trailing slash). */
const ROUTES: ReadonlyMap<string, CommandRoute> = new Map([
  ['/v1/commands', 'single'],
  ['/v1/commands/', 'single'],
  ['/v1/commands:batch', 'batch'],
  ['/v1/commands:batch/', 'batch'],
]);

/**
 * The content types served here: JSON in UTF-8, as `content-type` (body-parser) would parse
 * them. Anything else (`+json` types, other parameters or charsets) is left to Express.
 */
const PLAIN_JSON = /^application\/json *(?:; *charset *= *(?:utf-8|"utf-8") *)?$/i;

/**
 * Serves `POST /v1/commands` and `POST /v1/commands:batch` on plain `node:http`, ahead of
 * Express, when the request is the usual kind: `Content-Type: application/json` (optionally
 * `charset=utf-8`), no `Content-Encoding`, a body. Returns false, touching nothing, for anything
 * else, which Express answers as before (`routes/commandRoutes.ts`).
 *
 * Behaviour matches the Express route: a fresh `x-request-id`; the bearer token checked first
 * (401, `?access_token=` refused); then the body under the same limits (1 MiB, batch 8 MiB: 413
 * `payload_too_large`) parsed as strictly as body-parser (400 `validation_failed`, "request body
 * is not valid JSON: …"), buffered within the process-wide `BodyBudget` (else 503 `unavailable`,
 * `Retry-After`, connection closed); then the same outcome or contract §3 error and metrics; an unexpected
 * failure is logged and answered 503 `unavailable`. Why: Express's router, body-parser and
 * response helpers cost more CPU per command than applying and appending the command.
 */
export function serveCommand(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): boolean {
  const url = req.url ?? '';
  if (url.charCodeAt(0) !== 47 /* '/' */ || url.includes('#')) return false;
  const q = url.indexOf('?');
  const route = ROUTES.get(q === -1 ? url : url.slice(0, q));
  if (route === undefined) return false;
  const headers = req.headers;
  if (headers['content-encoding'] !== undefined) return false;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON.test(type)) return false;
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return false;
  stageTrace?.request(res, 'recv');
  const requestId = ulid();
  res.setHeader('x-request-id', requestId);
  if (deps.logger.isLevelEnabled('debug')) logOnClose(deps, req, res, requestId);
  const queryToken = q === -1 ? undefined : parseQuery(url.slice(q + 1)).access_token;
  void guarded(req, res, deps, route, requestId, queryToken);
  return true;
}

async function guarded(
  req: IncomingMessage,
  res: ServerResponse,
  deps: HttpDeps,
  route: CommandRoute,
  requestId: string,
  queryToken: unknown,
): Promise<void> {
  try {
    const token = requestBearerToken(req, queryToken);
    if (!token.ok) return sendRawError(res, requestId, 'unauthenticated', token.message);
    const verified = await deps.verifier.verify(token.value);
    stageTrace?.request(res, 'verified');
    if (!verified.ok) {
      const e = verified.error;
      return sendRawError(res, requestId, e.code, e.message, e.details);
    }
    const limit = routeBodyLimit(deps, route === 'single' ? 'command' : 'commandBatch');
    const body = await readJsonBody(req, limit, bodyBudgetOf(deps));
    stageTrace?.request(res, 'body');
    if (!body.ok) return sendBodyFailure(res, requestId, body.failure);
    await answerCommand(deps, res, requestId, route, verified.value, body.value);
  } catch (err) {
    deps.logger.error({ err, request_id: requestId, method: req.method, path: pathOf(req) }, 'unexpected error');
    if (res.headersSent) res.destroy();
    else sendRawError(res, requestId, 'unavailable', 'the gateway could not serve this request; retry later');
  }
}

/** The answers `errorHandler` gives to body-parser's errors. */
function sendBodyFailure(res: ServerResponse, requestId: string, failure: BodyFailure): void {
  if (failure.kind === 'busy') {
    sendBodyBudgetBusy(res, requestId);
  } else if (failure.kind === 'idle') {
    sendBodyIdle(res, requestId, failure.message);
  } else if (failure.kind === 'too_large') {
    sendRawError(res, requestId, 'payload_too_large', failure.message);
  } else if (failure.kind === 'invalid_shape') {
    const { path, message } = failure;
    sendRawError(res, requestId, 'validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });
  } else if (failure.kind === 'invalid_json') {
    sendRawError(res, requestId, 'validation_failed', describeJsonBodyFailure(failure.text, failure.message));
  } else {
    sendRawError(res, requestId, 'validation_failed', `bad request: ${failure.message.slice(0, 200)}`);
  }
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}

/** The debug request log line of `requestContext`, for commands served here. */
function logOnClose(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const started = performance.now();
  res.once('close', () => {
    deps.logger.debug(
      {
        request_id: requestId,
        method: req.method,
        path: pathOf(req),
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });
}
