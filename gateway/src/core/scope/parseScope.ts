import { describeZodError, type Scope, scopeSchema } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import { fail, type Result } from '../errors/GatewayError.ts';

/** Options of {@link parseScope}. */
export interface ParseScopeOptions {
  /** Whether `canvas_id` must, may, or must not be present. */
  canvas: 'required' | 'optional' | 'forbidden';
  /** Field path prefix used in messages, e.g. `scope` for a body, `query` for a query string. Default `scope`. */
  where?: string;
  /**
   * Scope fields taken from the URL path (e.g. `canvas_id` of `/v1/canvases/{canvas_id}`). They win;
   * the same field in `raw` (the query) is refused with 400 when it names another value.
   */
  fromPath?: Readonly<Record<string, string>>;
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
  const conflict = pathConflict(raw as Record<string, unknown>, opts.fromPath, where);
  if (conflict !== null) return conflict;
  const parsed = scopeSchema.safeParse(opts.fromPath === undefined ? raw : { ...raw, ...opts.fromPath });
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

/** A query field that names another value than the path's: 400 naming both. */
function pathConflict(
  raw: Record<string, unknown>,
  fromPath: Readonly<Record<string, string>> | undefined,
  where: string,
): Result<never> | null {
  if (fromPath === undefined) return null;
  for (const [key, value] of Object.entries(fromPath)) {
    if (!Object.hasOwn(raw, key) || raw[key] === undefined || raw[key] === value) continue;
    const given = typeof raw[key] === 'string' ? `'${raw[key]}'` : JSON.stringify(raw[key]);
    const message = `differs from the path's '${value}' (given ${given}); leave it out of the query or make them equal`;
    return fail('validation_failed', `${where}.${key}: ${message}`, { issues: [{ path: `${where}.${key}`, message }] });
  }
  return null;
}
