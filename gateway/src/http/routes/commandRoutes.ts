import type { Router } from 'express';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendError } from '../sendError.ts';
import { sendJson } from '../sendJson.ts';

function commandType(body: unknown): string {
  const type = (body as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
}

/** `POST /v1/commands` and `POST /v1/commands:batch` (contract §5). */
export function commandRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const body = jsonBody(deps.limits?.bodyBytes ?? 1024 * 1024);
  const batchBody = jsonBody(deps.limits?.batchBodyBytes ?? 8 * 1024 * 1024);

  router.post('/v1/commands', auth, ...body, async (req, res) => {
    const result = await deps.core.submit(principalOf(res), req.body);
    const type = commandType(req.body);
    if (!result.ok) {
      deps.metrics.command(type, result.error.code);
      sendError(res, result.error);
      return;
    }
    deps.metrics.command(type, result.value.status);
    sendJson(res, 200, result.value);
  });

  // path-to-regexp v8: a literal ':' must be escaped, or it would start a parameter.
  router.post('/v1/commands\\:batch', auth, ...batchBody, async (req, res) => {
    const result = await deps.core.submitBatch(principalOf(res), req.body);
    if (!result.ok) {
      deps.metrics.command('batch', result.error.code);
      sendError(res, result.error);
      return;
    }
    const commands = (req.body as { commands?: unknown[] }).commands ?? [];
    result.value.outcomes.forEach((outcome, i) => {
      const status = outcome.status === 'rejected' ? outcome.error.code : outcome.status;
      deps.metrics.command(commandType(commands[i]), status);
    });
    sendJson(res, 200, result.value);
  });
}
