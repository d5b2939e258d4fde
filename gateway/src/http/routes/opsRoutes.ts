import type { Router } from 'express';
import type { HttpDeps } from '../HttpDeps.ts';
import { sendErrorCode } from '../sendError.ts';

const READY_TIMEOUT_MS = 2000;

/** `/healthz` (live), `/readyz` (the spine answers), `/metrics` (Prometheus text) — contract §11. */
export function opsRoutes(router: Router, deps: HttpDeps): void {
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (deps.isShuttingDown?.()) return sendErrorCode(res, 'unavailable', 'the gateway is shutting down');
    let timer: NodeJS.Timeout | undefined;
    try {
      const probe = deps.core.spine.getRecord('readyz', 'probe').then(() => true);
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      });
      if (!(await Promise.race([probe, timeout]))) {
        return sendErrorCode(res, 'unavailable', `the event spine did not answer within ${READY_TIMEOUT_MS} ms`);
      }
    } catch (err) {
      deps.logger.warn({ err }, 'readiness probe failed');
      return sendErrorCode(res, 'unavailable', 'the event spine is not available');
    } finally {
      clearTimeout(timer);
    }
    if (deps.engines === undefined || deps.engines.length === 0) {
      return res.status(200).json({ status: 'ready', checks: { spine: 'ok', bus: 'ok' } });
    }
    const checks: Record<string, 'ok' | 'down'> = {};
    await Promise.all(
      deps.engines.map(async (engine) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
        });
        const ready = await Promise.race([Promise.resolve().then(engine.ready), timeout]).catch(() => false);
        clearTimeout(timer);
        checks[engine.name] = ready ? 'ok' : 'down';
      }),
    );
    const down = Object.keys(checks).filter((name) => checks[name] === 'down');
    if (down.length > 0) {
      return sendErrorCode(res, 'unavailable', `not ready: ${down.join(', ')} did not answer`, { checks });
    }
    res.status(200).json({ status: 'ready', checks });
  });

  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await deps.metrics.render();
    res.status(200).type(contentType).send(body);
  });
}
