import { describeZodError, type JsonValue, type PluginInvokeResult, pluginInvokeRequestSchema } from '@easel/schemas';
import type { Request, Response, Router } from 'express';
import { parseScope } from '../../core/scope/parseScope.ts';
import { JobTelemetry } from '../../jobs/JobTelemetry.ts';
import { mayRunPlugins, projectsMayRunPlugins } from '../../jobs/mayRunPlugins.ts';
import { resultValueJson } from '../../plugins/resultValueJson.ts';
import { sourcesOfInput } from '../../jobs/sourcesOfInput.ts';
import { findNonFiniteNumber } from '../findNonFiniteNumber.ts';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendError, sendErrorCode } from '../sendError.ts';
import { pathParam } from './queryScope.ts';

/**
 * Plugins (contract §9): `GET /v1/plugins` (always 200), `GET /v1/plugins/{name}/health` and
 * `GET /v1/plugins/{name}` (inspector), 200 or 404; `POST /v1/plugins/{name}/tools/{tool}:invoke`
 * `{scope, input}` runs one sandboxed call: 200 `{ok, value | error, ms}`, 404 for an unknown plugin
 * or tool, 503 `unavailable` while the plugin is UNAVAILABLE (or FAILED to start, or its breaker is
 * open). Calls need a role that may run commands in the scope's project (403 `forbidden` otherwise);
 * a call's progress, warnings and partial results stream as telemetry on the scope.
 *
 * Tenant scope (contract §1): a call's warnings and errors are recorded as its tenant's and
 * project's; the inspector shows a caller the plugin's own (failed starts, `init` warnings, crash
 * summaries) and its tenant's, of the projects where its lens lets it run plugins. Health and the
 * list carry counters and a reason with no call's data in it.
 */
export function pluginRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const body = jsonBody(routeBodyLimit(deps, 'pluginInvoke'), bodyBudgetOf(deps));
  const plugins = deps.plugins;

  router.get('/v1/plugins', auth, (_req, res) => {
    let list: unknown[];
    try {
      list = plugins.list();
    } catch (err) {
      deps.logger.error({ err }, 'listing plugins failed');
      list = [];
    }
    res.status(200).json({ plugins: list });
  });

  router.get('/v1/plugins/:name/health', auth, (req, res) => {
    const name = pathParam(req, 'name');
    const health = guard(deps, () => plugins.health(name));
    if (!health) return notFound(res, name);
    res.status(200).json(health);
  });

  router.get('/v1/plugins/:name', auth, (req, res) => inspect(deps, req, res));

  // path-to-regexp v8: a literal ':' must be escaped, or it would start a parameter.
  router.post('/v1/plugins/:name/tools/:tool\\:invoke', auth, ...body, (req, res) => invoke(deps, req, res));
}

async function inspect(deps: HttpDeps, req: Request, res: Response): Promise<void> {
  const principal = principalOf(res);
  const name = pathParam(req, 'name');
  const tenantId = principal.tenantId;
  const projects = guard(deps, () => deps.plugins.inspectedProjects(name, tenantId)) ?? [];
  const readable = await projectsMayRunPlugins(deps.core, principal, projects);
  const inspector = guard(deps, () => deps.plugins.inspect(name, { tenantId, projects: readable }));
  if (!inspector) return notFound(res, name);
  res.status(200).json(inspector);
}

async function invoke(deps: HttpDeps, req: Request, res: Response): Promise<void> {
  const principal = principalOf(res);
  const name = pathParam(req, 'name');
  const tool = pathParam(req, 'tool');
  const raw: unknown = req.body;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return sendErrorCode(res, 'validation_failed', '(body): must be a JSON object {scope, input}');
  }
  const scope = parseScope(principal, (raw as { scope?: unknown }).scope, { canvas: 'optional' });
  if (!scope.ok) return sendError(res, scope.error);
  const parsed = pluginInvokeRequestSchema.safeParse(withInputUnwalked(raw));
  if (!parsed.success) {
    const described = describeZodError(parsed.error);
    return sendErrorCode(res, 'validation_failed', described.message, described.details);
  }
  // What JSON.parse (the body parser) produced: a JSON value but for numbers too big for a double.
  const input = (raw as { input: JsonValue }).input;
  const infinite = findNonFiniteNumber(input, 'input');
  if (infinite !== null) {
    return sendErrorCode(res, 'validation_failed', `${infinite}: number out of range (not a finite double)`, {
      path: infinite,
    });
  }
  const allowed = await mayRunPlugins(deps.core, principal, scope.value);
  if (!allowed.ok) return sendError(res, allowed.error);
  const health = guard(deps, () => deps.plugins.health(name));
  if (!health) return notFound(res, name);
  const manifest = guard(deps, () => deps.plugins.manifest(name));
  if (manifest && !Object.hasOwn(manifest.tools, tool)) {
    return sendErrorCode(
      res,
      'not_found',
      `plugin "${clip(name)}" has no tool "${clip(tool)}" (tools: ${Object.keys(manifest.tools).join(', ')})`,
    );
  }
  const sources = sourcesOfInput(input); // null: provenance unknown → no stamp (derived from all)
  const telemetry = new JobTelemetry({
    sink: deps.core,
    scope: scope.value,
    actor: { id: principal.actorId, kind: principal.kind },
    ...(sources !== null ? { sources: () => sources } : {}),
  });
  // A client that hangs up aborts its call (the child is told, and killed if it ignores it).
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.on('close', onClose);
  const result = await deps.plugins.invoke(name, tool, input, {
    signal: controller.signal,
    caller: { tenantId: scope.value.tenant_id, projectId: scope.value.project_id },
    onProgress: (percent) => telemetry.progress(percent, { plugin: name, tool }),
    onWarning: (message) => telemetry.warning(message, name),
    onPartial: (payload) => telemetry.partial(name, tool, payload),
  });
  telemetry.flush();
  telemetry.stop();
  res.off('close', onClose);
  if (result.ok) return sendValue(res, result);
  if (result.error.kind === 'not_found') return sendErrorCode(res, 'not_found', result.error.message);
  if (result.error.kind === 'unavailable') {
    const now = guard(deps, () => deps.plugins.health(name));
    return sendErrorCode(res, 'unavailable', `plugin "${clip(name)}" is unavailable: ${result.error.message}`, {
      plugin: name,
      ...(now ? { state: now.state, ...(now.reason !== undefined ? { reason: now.reason } : {}) } : {}),
    });
  }
  res.status(200).json(result);
}

/**
 * The body with a present `input` replaced by `null`, for the shape check: the published schema then
 * checks `scope`, that `input` is there and that no other field is, without walking `input` again
 * (`z.json()` costs ≈ 0.4 ms per 10 KB). The body parser's `JSON.parse` only ever yields JSON values
 * (an out-of-range number aside: {@link findNonFiniteNumber}), and the tool's own input schema checks
 * `input` in the plugin host.
 */
function withInputUnwalked(raw: object): object {
  return Object.hasOwn(raw, 'input') ? { ...raw, input: null } : raw;
}

/**
 * 200 with a successful call: the value's JSON as the plugin process sent it when the host kept it
 * (a JSON body: it parsed and validated exactly that text), so a large value is not serialized
 * again; a value that came as MessagePack (plain JSON data, no text) is serialized here.
 */
function sendValue(res: Response, result: PluginInvokeResult & { ok: true }): void {
  const json = resultValueJson(result);
  if (json === undefined) {
    res.status(200).json(result);
    return;
  }
  res
    .status(200)
    .type('application/json')
    .send(`{"ok":true,"value":${json},"ms":${JSON.stringify(result.ms)}}`);
}

function notFound(res: Response, name: string): void {
  sendErrorCode(res, 'not_found', `no plugin named "${clip(name)}" is loaded (GET /v1/plugins lists them)`);
}

/** Host reads never throw by contract; if one does, it is logged and answered as absent. */
function guard<T>(deps: HttpDeps, read: () => T | null): T | null {
  try {
    return read();
  } catch (err) {
    deps.logger.error({ err }, 'plugin host read failed');
    return null;
  }
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
