import type { Scope } from '@easel/schemas';

const SCOPE_KEYS = ['tenant_id', 'project_id', 'app_id', 'surface_id', 'mode', 'run_id', 'job_id'] as const;

/** The scope as query parameters (GETs take the scope in the query; `canvas_id` is in the path). */
export function scopeQuery(scope: Omit<Scope, 'canvas_id'> & { canvas_id?: string | undefined }): string {
  const params = new URLSearchParams();
  for (const key of SCOPE_KEYS) {
    const value = scope[key];
    if (typeof value === 'string' && value !== '') params.set(key, value);
  }
  return params.toString();
}
