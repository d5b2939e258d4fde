import { ulid } from 'ulid';

/** A JSON response (json undefined when the body is not JSON). */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed test data
  json: any;
}

/** One bounded HTTP request to the gateway. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string | Uint8Array;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: body as BodyInit | undefined,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A test world on one gateway: scopes, canvas types, commands. */
export class TestWorld {
  constructor(
    readonly baseUrl: string,
    readonly tenant: string,
  ) {}

  scope(project: string, canvasId?: string): Record<string, string> {
    return {
      tenant_id: this.tenant,
      project_id: project,
      app_id: 'test-app',
      surface_id: 'main',
      mode: 'edit',
      ...(canvasId ? { canvas_id: canvasId } : {}),
    };
  }

  command(
    token: string,
    type: string,
    scope: Record<string, string>,
    payload: unknown,
    extra: Record<string, unknown> = {},
  ) {
    return api(this.baseUrl, 'POST', '/v1/commands', {
      token,
      body: { command_id: ulid(), type, scope, payload, ...extra },
    });
  }

  /** A command that must commit; returns its outcome. */
  async commit(
    token: string,
    type: string,
    scope: Record<string, string>,
    payload: unknown,
  ): Promise<{ cursor: string; revision: number }> {
    const res = await this.command(token, type, scope, payload);
    if (res.status !== 200 || res.json?.status !== 'committed')
      throw new Error(`${type} not committed: ${res.status} ${res.text}`);
    return res.json;
  }

  /** Registers a test canvas type (roots notes/layout; tokens plan.*, style.*) in `project`. */
  async registerType(token: string, project: string): Promise<void> {
    const res = await api(this.baseUrl, 'PUT', `/v1/projects/${project}/canvas-types/testboard`, {
      token,
      body: {
        type: 'testboard',
        version: '1.0.0',
        title: 'Test board',
        roots: { notes: 'map', layout: 'map' },
        tokens: {
          'plan.title': { type: 'string', max_length: 200, default: '' },
          'plan.note': { type: 'string', max_length: 8000, default: '' },
          'style.color': { type: 'color', default: '#000000' },
        },
        tools: [],
      },
    });
    if (res.status !== 200) throw new Error(`registering testboard: ${res.status} ${res.text}`);
  }

  /** Registers the type and creates a canvas; returns its scope. */
  async newCanvas(token: string, project: string, canvasId: string): Promise<Record<string, string>> {
    await this.registerType(token, project);
    const scope = this.scope(project, canvasId);
    await this.commit(token, 'canvas.create', scope, { canvas_type: 'testboard', title: canvasId });
    return scope;
  }

  streamUrl(scope: Record<string, string>, extra: Record<string, string> = {}): string {
    const { canvas_id, ...rest } = scope;
    return new URL(
      `/v1/canvases/${canvas_id}/events?${new URLSearchParams({ ...rest, ...extra })}`,
      this.baseUrl,
    ).toString();
  }

  realtimeUrl(scope: Record<string, string>, extra: Record<string, string> = {}): string {
    const { canvas_id: _c, ...rest } = scope;
    return new URL(`/v1/realtime?${new URLSearchParams({ ...rest, ...extra })}`, this.baseUrl).toString();
  }

  canvasPath(scope: Record<string, string>): string {
    const { canvas_id, ...rest } = scope;
    return `/v1/canvases/${canvas_id}?${new URLSearchParams(rest)}`;
  }
}
