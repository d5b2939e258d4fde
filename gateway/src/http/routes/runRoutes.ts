import type { Request, Router } from 'express';
import { CLIENT_CLOSED } from '../../core/fanout/FanoutStream.ts';
import { parseScope } from '../../core/scope/parseScope.ts';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { requestIdOf } from '../requestContext.ts';
import { ResponseSink } from '../ResponseSink.ts';
import { sendError, sendErrorCode } from '../sendError.ts';
import { pathParam, queryScope } from './queryScope.ts';

/** The resume cursor: `Last-Event-ID` wins over `?after=`. */
function resumeCursor(req: Request): { ok: true; value: string | null } | { ok: false; message: string } {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return { ok: true, value: header };
  const after = (req.query as Record<string, unknown>).after;
  if (after === undefined || after === '') return { ok: true, value: null };
  if (typeof after !== 'string') return { ok: false, message: '?after= must be given once' };
  return { ok: true, value: after };
}

/**
 * Runs (contract §10): `POST /v1/runs {scope, task}` → 201 `{run_id}` (with `Location`);
 * `GET /v1/runs/{run_id}?<scope>` → the run (status, task, usage, verdict, revisions);
 * `GET /v1/runs/{run_id}/events?<scope>` → SSE of every event of the run (`scope.run_id`),
 * replayed from the run's start when opened without a cursor, resumable with `Last-Event-ID` /
 * `?after=`, lens-filtered. Without a run service every route answers 503.
 */
export function runRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const streamAuth = authenticate(deps.verifier, { allowQueryToken: true });
  const body = jsonBody(routeBodyLimit(deps, 'run'), bodyBudgetOf(deps));

  router.post('/v1/runs', auth, ...body, async (req, res) => {
    const runs = deps.runs;
    if (!runs) return sendErrorCode(res, 'unavailable', 'runs are not enabled on this gateway');
    const result = await runs.create(principalOf(res), req.body);
    if (!result.ok) return sendError(res, result.error);
    const scope = (req.body as { scope: Record<string, string> }).scope;
    const query = new URLSearchParams();
    for (const key of ['tenant_id', 'project_id', 'app_id', 'surface_id', 'mode']) query.set(key, scope[key]!);
    res.setHeader('location', `/v1/runs/${result.value.run_id}?${query}`);
    res.status(201).json(result.value);
  });

  router.get('/v1/runs/:run_id', auth, async (req, res) => {
    const runs = deps.runs;
    if (!runs) return sendErrorCode(res, 'unavailable', 'runs are not enabled on this gateway');
    const principal = principalOf(res);
    const scope = parseScope(principal, queryScope(req), { canvas: 'optional' });
    if (!scope.ok) return sendError(res, scope.error);
    const result = await runs.get(principal, scope.value, pathParam(req, 'run_id'));
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.get('/v1/runs/:run_id/events', streamAuth, async (req, res) => {
    if (req.method !== 'GET') {
      return sendErrorCode(res, 'not_found', `no route ${req.method} ${req.path}: streams are opened with GET`);
    }
    const runs = deps.runs;
    if (!runs) return sendErrorCode(res, 'unavailable', 'runs are not enabled on this gateway');
    const principal = principalOf(res);
    const scope = parseScope(principal, queryScope(req), { canvas: 'optional' });
    if (!scope.ok) return sendError(res, scope.error);
    const runId = pathParam(req, 'run_id');
    const after = resumeCursor(req);
    if (!after.ok) return sendErrorCode(res, 'validation_failed', after.message);
    const target = await runs.streamTarget(principal, scope.value, runId);
    if (!target.ok) return sendError(res, target.error);
    const sink = new ResponseSink(res, deps.scheduler, { headers: { 'x-request-id': requestIdOf(res) } });
    const opened = await deps.hub.open({
      principal,
      scope: target.value.scope,
      kind: 'run',
      runId,
      runStartSeq: target.value.runStartSeq,
      after: after.value,
      sink,
    });
    if (!opened.ok) {
      if (!res.headersSent) sendError(res, opened.error);
      else res.end();
      return;
    }
    if (sink.clientGone) opened.value.close(CLIENT_CLOSED);
    else sink.onClientGone = opened.value.close;
  });
}
