import express, { type Express } from 'express';
import { bodyBudgetOf, registerBodyBudgetGauge } from './BodyBudget.ts';
import { rateLimitedCounter } from './commandRateLimit.ts';
import { errorHandler, notFoundHandler } from './errorHandler.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { requestContext } from './requestContext.ts';
import { canvasRoutes } from './routes/canvasRoutes.ts';
import { commandRoutes } from './routes/commandRoutes.ts';
import { devRoutes } from './routes/devRoutes.ts';
import { jobRoutes } from './routes/jobRoutes.ts';
import { opsRoutes } from './routes/opsRoutes.ts';
import { pluginRoutes } from './routes/pluginRoutes.ts';
import { presenceRoutes } from './routes/presenceRoutes.ts';
import { projectRoutes } from './routes/projectRoutes.ts';
import { runRoutes } from './routes/runRoutes.ts';
import { sidecarRoutes } from './routes/sidecarRoutes.ts';
import { streamRoutes } from './routes/streamRoutes.ts';

/**
 * The Express 5 adapter: thin routes over `GatewayCore` and `StreamHub`. Every non-2xx answer
 * is a contract §3 error body with a fresh `request_id`.
 */
export function createApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  const budget = bodyBudgetOf(deps);
  registerBodyBudgetGauge(deps.metrics.registry, budget);
  budget.useLogger(deps.logger);
  rateLimitedCounter(deps.metrics.registry); // listed (at 0) before the first refusal
  app.use(requestContext(deps.logger));
  const router = express.Router({ caseSensitive: true, strict: false });
  opsRoutes(router, deps);
  commandRoutes(router, deps);
  streamRoutes(router, deps);
  canvasRoutes(router, deps);
  projectRoutes(router, deps);
  pluginRoutes(router, deps);
  jobRoutes(router, deps);
  runRoutes(router, deps);
  sidecarRoutes(router, deps);
  presenceRoutes(router, deps);
  devRoutes(router, deps);
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
