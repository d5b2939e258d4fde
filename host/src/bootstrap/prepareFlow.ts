import type { CanvasScope } from '@easel/schemas';
import { ulid } from '@easel/transport';
import type { Flow } from '../flows/flowSchema.ts';
import { type HostError, type HostFetch, type HostResult, networkError, readErrorBody } from './HostError.ts';

/** Tenant, app and surface the host works in (the ones `easel dev` seeds and prints). */
export const HOST_SCOPE = { tenant_id: 'demo', app_id: 'host', surface_id: 'main', mode: 'edit' } as const;

/** The scope of one canvas of a flow. */
export function flowCanvasScope(flow: Flow, canvasId: string): CanvasScope {
  return { ...HOST_SCOPE, project_id: flow.project_id, canvas_id: canvasId };
}

/** Options of {@link prepareFlow}. */
export interface PrepareFlowOptions {
  baseUrl: string;
  flow: Flow;
  /**
   * The actor's own token (never one with more rights: the page holds nothing its actor could not
   * do). Canvas types are registered server side (`easel dev`), never from the page.
   */
  token: string;
  fetch?: HostFetch;
}

/** What {@link prepareFlow} did. */
export interface PreparedFlow {
  /** Canvases created now (`canvas.create` with the actor's token). */
  created: string[];
  /** Canvases that were there already. */
  existing: string[];
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Makes a flow usable with the actor's own token: reads each canvas (`GET /v1/canvases/{id}`) and
 * creates the missing ones (`canvas.create`). An actor whose lens may not create canvases gets a
 * `canvas_missing` error naming the canvas (ask a director, or restart `easel dev`, which creates
 * the bundled flows' canvases). Safe to run from many tabs at once: a canvas someone else just
 * created reads as existing.
 */
export async function prepareFlow(options: PrepareFlowOptions): Promise<HostResult<PreparedFlow>> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: HostFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const auth = { authorization: `Bearer ${options.token}` };
  const call = async (path: string, init: RequestInit = {}): Promise<HostResult<Response>> => {
    try {
      const res = await doFetch(`${base}${path}`, {
        ...init,
        headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return { ok: true, value: res };
    } catch (err) {
      return { ok: false, error: networkError(options.baseUrl, err) };
    }
  };
  const created: string[] = [];
  const existing: string[] = [];
  for (const canvas of options.flow.canvases) {
    const scope = flowCanvasScope(options.flow, canvas.canvas_id);
    const query = new URLSearchParams({
      tenant_id: scope.tenant_id,
      project_id: scope.project_id,
      app_id: scope.app_id,
      surface_id: scope.surface_id,
      mode: scope.mode,
    });
    const read = await call(`/v1/canvases/${encodeURIComponent(canvas.canvas_id)}?${query}`);
    if (!read.ok) return read;
    if (read.value.status === 200) {
      await read.value.body?.cancel().catch(() => undefined);
      existing.push(canvas.canvas_id);
      continue;
    }
    if (read.value.status !== 404)
      return { ok: false, error: await refusal(read.value, `reading '${canvas.canvas_id}'`) };
    await read.value.body?.cancel().catch(() => undefined);
    const sent = await call('/v1/commands', {
      method: 'POST',
      body: JSON.stringify({
        command_id: createCommandId(canvas.canvas_id),
        type: 'canvas.create',
        scope,
        payload: { canvas_type: canvas.canvas_type, title: canvas.title },
      }),
    });
    if (!sent.ok) return sent;
    if (sent.value.status === 200 || sent.value.status === 201) {
      const outcome = (await sent.value.json().catch(() => null)) as { status?: unknown } | null;
      (outcome?.status === 'duplicate' ? existing : created).push(canvas.canvas_id);
      continue;
    }
    const body = await readErrorBody(sent.value);
    if (sent.value.status === 409 && body?.code === 'conflict') {
      existing.push(canvas.canvas_id);
      continue;
    }
    if (sent.value.status === 403) {
      return {
        ok: false,
        error: {
          code: 'canvas_missing',
          status: 403,
          message: `the canvas '${canvas.title}' (${canvas.canvas_id}) does not exist yet, and your role may not create it: ask a director to open this flow first`,
          ...(body ? { detail: body.code } : {}),
        },
      };
    }
    return {
      ok: false,
      error: {
        code: 'refused',
        status: sent.value.status,
        message: `creating canvas '${canvas.canvas_id}' failed: ${body?.message ?? `HTTP ${sent.value.status}`}`,
        ...(body ? { detail: body.code } : {}),
      },
    };
  }
  return { ok: true, value: { created, existing } };
}

/**
 * The same `command_id` for every host creating a canvas, so a repeat is answered `duplicate`
 * (no 409 in the browser console); a canvas created some other way still answers 409 `conflict`.
 */
export function createCommandId(canvasId: string): string {
  const id = `create.${canvasId.toLowerCase()}`;
  return id.length <= 64 ? id : ulid(Date.now(), Math.random);
}

async function refusal(res: Response, what: string): Promise<HostError> {
  const body = await readErrorBody(res);
  return {
    code: 'refused',
    status: res.status,
    message: `${what} failed: ${body?.message ?? `HTTP ${res.status}`}`,
    ...(body ? { detail: body.code } : {}),
  };
}
