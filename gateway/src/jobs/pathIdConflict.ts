import { fail, type Result } from '../core/errors/GatewayError.ts';

/**
 * 400 when the query's scope names another id than the path (`?job_id=b` on `/v1/jobs/a`), as
 * the canvas routes answer a `canvas_id` that differs from theirs; null when it names none or the same.
 */
export function pathIdConflict(field: string, given: string | undefined, path: string): Result<never> | null {
  if (given === undefined || given === path) return null;
  const clip = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);
  const message = `differs from the path's '${clip(path)}' (given '${clip(given)}'); leave it out of the query or make them equal`;
  return fail('validation_failed', `scope.${field}: ${message}`, { issues: [{ path: `scope.${field}`, message }] });
}
