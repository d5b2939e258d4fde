import type { Router } from 'express';
import { answerCommand } from '../answerCommand.ts';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { requestIdOf } from '../requestContext.ts';

/**
 * `POST /v1/commands` and `POST /v1/commands:batch` (contract §5) on Express. A composed gateway
 * serves the usual requests to these paths before Express (`serveCommand`); these routes answer
 * the rest (other content types, compressed bodies, no body) exactly as before.
 */
export function commandRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const body = jsonBody(routeBodyLimit(deps, 'command'), bodyBudgetOf(deps));
  const batchBody = jsonBody(routeBodyLimit(deps, 'commandBatch'), bodyBudgetOf(deps));

  router.post('/v1/commands', auth, ...body, (req, res) =>
    answerCommand(deps, res, requestIdOf(res), 'single', principalOf(res), req.body),
  );

  // path-to-regexp v8: a literal ':' must be escaped, or it would start a parameter.
  router.post('/v1/commands\\:batch', auth, ...batchBody, (req, res) =>
    answerCommand(deps, res, requestIdOf(res), 'batch', principalOf(res), req.body),
  );
}
