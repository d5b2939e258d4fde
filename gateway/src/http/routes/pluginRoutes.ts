import type { Router } from 'express';
import { authenticate } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { sendErrorCode } from '../sendError.ts';

/**
 * Plugin health (contract §9). The plugin host arrives in a later issue: for now no plugin is
 * loaded, so the list is empty and every name is unknown (404, never 500).
 */
export function pluginRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  router.get('/v1/plugins', auth, (_req, res) => {
    res.status(200).json({ plugins: [] });
  });
  router.get('/v1/plugins/:name/health', auth, (req, res) => {
    const name = String(req.params.name).slice(0, 100);
    sendErrorCode(res, 'not_found', `no plugin named "${name}" is loaded`);
  });
}
