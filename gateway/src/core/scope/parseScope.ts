import { describeZodError, type Scope, scopeSchema } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import { fail, type Result } from '../errors/GatewayError.ts';

/** Options of {@link parseScope}. */
export interface ParseScopeOptions {
  /** Whether `canvas_id` must, may, or must not be present. */
  canvas: 'required' | 'optional' | 'forbidden';
  /** Field path prefix used in messages, e.g. `scope` for a body, `query` for a query string. Default `scope`. */
  where?: string;
}

/**
 * Validates a scope (contract §1) and checks it belongs to the caller's tenant (§2).
 * - 400 `validation_failed` naming the field (`scope.app_id: required`);
 * - 403 `tenant_mismatch` when `tenant_id` is not the token's, checked after the shape and
 *   before anything else, so nothing of another tenant (not even existence) is revealed.
 * Unknown keys are dropped (query strings carry other parameters). Never throws.
 */
export function parseScope(principal: Principal, raw: unknown, opts: ParseScopeOptions): Result<Scope> {
  const where = opts.where ?? 'scope';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(
      'validation_failed',
      `${where}: required (an object with tenant_id, project_id, app_id, surface_id, mode)`,
      {
        issues: [{ path: where, message: 'required' }],
      },
    );
  }
  const parsed = scopeSchema.safeParse(raw);
  if (!parsed.success) {
    const described = describeZodError(parsed.error, where);
    return fail('validation_failed', described.message, described.details);
  }
  const scope = parsed.data;
  if (opts.canvas === 'required' && scope.canvas_id === undefined) {
    return fail('validation_failed', `${where}.canvas_id: required`, {
      issues: [{ path: `${where}.canvas_id`, message: 'required' }],
    });
  }
  if (opts.canvas === 'forbidden' && scope.canvas_id !== undefined) {
    return fail('validation_failed', `${where}.canvas_id: not allowed here`, {
      issues: [{ path: `${where}.canvas_id`, message: 'not allowed here' }],
    });
  }
  if (scope.tenant_id !== principal.tenantId) {
    return fail('tenant_mismatch', `scope tenant_id '${scope.tenant_id}' is not the token's tenant`);
  }
  return { ok: true, value: scope };
}
