import type { Request } from 'express';

/** Query parameters that are not part of a scope. */
const NON_SCOPE_PARAMS = new Set(['access_token', 'after', 'lastEventId', 'last_event_id', 'paint']);

/**
 * The raw scope of a GET: its query parameters (contract: GETs take the scope as query
 * parameters). Path parameters (e.g. `canvas_id`) go to `parseScope`'s `fromPath`, which refuses a
 * query naming another value.
 */
export function queryScope(req: Request): Record<string, unknown> {
  return scopeFromQuery(req.query as Record<string, unknown>);
}

/** {@link queryScope} over an already parsed query. */
export function scopeFromQuery(query: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(query)) {
    if (!NON_SCOPE_PARAMS.has(key)) raw[key] = query[key];
  }
  return raw;
}

/** A path parameter as a string (Express types them `string | string[]` for wildcards). */
export function pathParam(req: Request, name: string): string {
  const value = (req.params as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}
