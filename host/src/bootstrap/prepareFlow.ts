import type { CanvasScope, CanvasTypeManifest } from '@easel/schemas';
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
  /** A token with role `admin` in the tenant (a dev token in `easel dev`). */
  adminToken: string;
  /** Cartridge manifests by canvas type (`@easel/canvases`); used for types the gateway lacks. */
  manifests: Readonly<Record<string, CanvasTypeManifest>>;
  fetch?: HostFetch;
}

/** What {@link prepareFlow} did. */
export interface PreparedFlow {
  /** Canvas types registered now (`PUT /v1/projects/{p}/canvas-types/{type}`). */
  registered: string[];
  /** Canvases created now (`canvas.create`). */
  created: string[];
  /** Canvases that were there already. */
  existing: string[];
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Makes a flow usable: registers the canvas types it needs that the project does not have yet (from
 * the cartridges' manifests; a type the gateway already knows is left alone, so a project's own
 * registration wins), then creates each missing canvas. Safe to run from many tabs at once: a
 * canvas someone else just created reads as existing.
 */
export async function prepareFlow(options: PrepareFlowOptions): Promise<HostResult<PreparedFlow>> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: HostFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const auth = { authorization: `Bearer ${options.adminToken}` };
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
  const project = options.flow.project_id;
  const listed = await call(`/v1/projects/${project}/canvas-types`);
  if (!listed.ok) return listed;
  if (listed.value.status !== 200) return { ok: false, error: await refusal(listed.value, 'listing canvas types') };
  const known = new Set(
    ((await listed.value.json()) as { canvas_types?: Array<{ type: string }> }).canvas_types?.map((m) => m.type) ?? [],
  );
  const registered: string[] = [];
  for (const type of new Set(options.flow.canvases.map((c) => c.canvas_type))) {
    if (known.has(type)) continue;
    const manifest = options.manifests[type];
    if (!manifest) {
      return {
        ok: false,
        error: {
          code: 'refused',
          message: `canvas type '${type}' is not registered in project '${project}' and no cartridge provides it`,
        },
      };
    }
    const put = await call(`/v1/projects/${project}/canvas-types/${type}`, {
      method: 'PUT',
      body: JSON.stringify(manifest),
    });
    if (!put.ok) return put;
    if (put.value.status !== 200) return { ok: false, error: await refusal(put.value, `registering '${type}'`) };
    registered.push(type);
  }
  const created: string[] = [];
  const existing: string[] = [];
  for (const canvas of options.flow.canvases) {
    const scope = flowCanvasScope(options.flow, canvas.canvas_id);
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
  return { ok: true, value: { registered, created, existing } };
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
