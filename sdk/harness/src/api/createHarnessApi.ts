import {
  type ExtendedJobResponse,
  extendedJobResponseSchema,
  lensPolicySchema,
  type PluginHealth,
  type PluginInspector,
  pluginInspectorSchema,
  pluginListSchema,
  runCreatedSchema,
  type RunEvent,
  runEventSchema,
  type Scope,
  type TurnHistory,
} from '@easel/schemas';
import {
  type CanvasTransport,
  type FetchLike,
  type TokenSource,
  parseEnvelope,
  readEventStream,
  scopeQuery,
} from '@easel/transport';
import { errResult, type HarnessResult, okResult } from '../lib/HarnessResult.ts';
import { effectivePermissions } from './effectivePermissions.ts';
import { harnessApiFromTransport } from './harnessApiFromTransport.ts';
import type { HarnessApi, JobStartRequest, LensMe, RunStreamListener } from './HarnessApi.ts';
import { tokenClaims } from './tokenClaims.ts';
import { turnHistoryGuard } from './turnHistoryGuard.ts';

export interface HarnessApiOptions {
  /** Gateway origin, e.g. `http://127.0.0.1:8080` (same as the transport's). */
  baseUrl: string;
  /** Bearer token or a function returning one (same as the transport's). */
  token: TokenSource;
  /** The scope jobs, runs and the lens are asked about (a canvas scope is fine: its canvas is dropped where not needed). */
  scope: Scope;
  /** `fetch` to use (default: the global one). */
  fetch?: FetchLike;
  /** Abort one request after this long (default 15 000 ms). */
  timeoutMs?: number;
  /**
   * The canvas transport, when there is one: plugins, jobs and runs then go through its clients
   * (`transport.plugins`, `.jobs`, `.runs`: its retries, token refresh and stream resume); the
   * lens is still read here (the transport does not reveal its token).
   */
  transport?: CanvasTransport;
}

type Parse<T> = { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } };

/**
 * The default {@link HarnessApi}: plain `fetch` against the gateway (contract §§6, 9, 10). Every
 * method answers a value, never throws: HTTP errors become their contract code and message,
 * network failures `network`, malformed bodies `protocol`.
 */
export function createHarnessApi(options: HarnessApiOptions): HarnessApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { canvas_id: _canvas, ...projectScope } = options.scope;

  const token = async (): Promise<string | null> => {
    try {
      return typeof options.token === 'string' ? options.token : await options.token();
    } catch {
      return null;
    }
  };

  async function request<T>(method: string, path: string, schema: Parse<T>, body?: unknown): Promise<HarnessResult<T>> {
    const bearer = await token();
    if (bearer === null) return errResult('unauthenticated', 'no token: the token callback failed');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: controller.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      const aborted = controller.signal.aborted;
      return errResult(
        aborted ? 'timeout' : 'network',
        aborted
          ? `${method} ${path}: no answer in time`
          : `${method} ${path}: the gateway is unreachable (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    let text = '';
    try {
      text = await response.text();
    } catch {
      // the body broke off
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const info = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      return errResult(
        typeof info?.code === 'string' ? info.code : response.status >= 500 ? 'unavailable' : 'validation_failed',
        typeof info?.message === 'string' ? info.message : `HTTP ${response.status}`,
        response.status,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return errResult('protocol', `${method} ${path}: the answer is not the contract's shape`);
    return okResult(parsed.data);
  }

  const listSchema: Parse<PluginHealth[]> = {
    safeParse: (v) => {
      const r = pluginListSchema.safeParse(v);
      return r.success ? { success: true, data: r.data.plugins } : { success: false, error: r.error };
    },
  };

  async function lensMe(): Promise<HarnessResult<LensMe>> {
    const bearer = await token();
    const claims = bearer === null ? null : tokenClaims(bearer);
    const policy = await request(
      'GET',
      `/v1/projects/${encodeURIComponent(options.scope.project_id)}/lens`,
      lensPolicySchema,
    );
    if (!policy.ok) return policy;
    const roles = claims?.roles ?? [];
    return okResult({ actorId: claims?.sub ?? null, roles, permissions: effectivePermissions(policy.value, roles) });
  }

  async function listTurns(turns: { canvasId?: string; limit?: number } = {}): Promise<HarnessResult<TurnHistory>> {
    const canvasId = turns.canvasId ?? options.scope.canvas_id;
    if (canvasId === undefined) return errResult('validation_failed', 'turn history is per canvas: name one');
    const limit = Math.min(50, Math.max(1, Math.floor(turns.limit ?? 20)));
    const query = `${scopeQuery(projectScope)}&limit=${limit}`;
    return request('GET', `/v1/canvases/${encodeURIComponent(canvasId)}/turns?${query}`, turnHistoryGuard);
  }

  if (options.transport) return harnessApiFromTransport(options.transport, lensMe, listTurns);

  return {
    listPlugins: () => request('GET', '/v1/plugins', listSchema),
    inspectPlugin: (name) =>
      request<PluginInspector>('GET', `/v1/plugins/${encodeURIComponent(name)}`, pluginInspectorSchema),
    startJob: (req: JobStartRequest) =>
      request<ExtendedJobResponse>('POST', '/v1/jobs', extendedJobResponseSchema, {
        ...req,
        scope: req.scope ?? options.scope,
      }),
    getJob: (jobId) =>
      request<ExtendedJobResponse>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}?${scopeQuery(projectScope)}`,
        extendedJobResponseSchema,
      ),
    lensMe,
    listTurns,
    startRun: async (task) => {
      // As the transport's `runs.create`: an absent verify contract is the empty one.
      const body = { scope: options.scope, task: { ...task, verify: task.verify ?? {} } };
      const created = await request('POST', '/v1/runs', runCreatedSchema, body);
      return created.ok ? okResult({ runId: created.value.run_id }) : created;
    },
    subscribeRun(runId: string, listener: RunStreamListener): () => void {
      const controller = new AbortController();
      void followRun(runId, listener, controller.signal);
      return () => controller.abort();
    },
  };

  async function followRun(runId: string, listener: RunStreamListener, outer: AbortSignal): Promise<void> {
    // Aborted by the caller's unsubscribe, or here once the verdict arrived.
    const controller = new AbortController();
    const signal = controller.signal;
    outer.addEventListener('abort', () => controller.abort(), { once: true });
    listener.onStatus('connecting');
    const bearer = await token();
    if (signal.aborted) return;
    if (bearer === null) return listener.onStatus('error', 'no token: the token callback failed');
    let response: Response;
    try {
      response = await doFetch(
        `${baseUrl}/v1/runs/${encodeURIComponent(runId)}/events?${scopeQuery({ ...projectScope, run_id: runId })}`,
        { headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream' }, signal },
      );
    } catch (error) {
      if (!signal.aborted) listener.onStatus('error', `the run stream is unreachable: ${String(error)}`);
      return;
    }
    if (!response.ok || response.body === null) {
      let message = `HTTP ${response.status}`;
      try {
        const body = (await response.json()) as { error?: { message?: string } };
        if (body.error?.message) message = body.error.message;
      } catch {
        // not JSON
      }
      return listener.onStatus('error', message);
    }
    listener.onStatus('live');
    let ended = false;
    try {
      await readEventStream(response.body, {
        onFrame: (frame) => {
          if (ended || frame.data === '') return;
          let json: unknown;
          try {
            json = JSON.parse(frame.data);
          } catch {
            return;
          }
          const parsed = parseEnvelope(json, frame);
          const payload = parsed.ok ? parsed.event.payload : (json as { payload?: unknown })?.payload;
          const run = runEventSchema.safeParse(payload);
          if (!run.success) return;
          const event: RunEvent = run.data;
          listener.onEvent(event);
          if (event.kind === 'verdict') {
            ended = true;
            listener.onStatus('ended');
            controller.abort();
          }
        },
      });
    } catch (error) {
      if (!ended && !outer.aborted) listener.onStatus('error', `the run stream broke off: ${String(error)}`);
      return;
    }
    if (!ended && !outer.aborted) listener.onStatus('error', 'the run stream ended before a verdict');
  }
}
