import type { JsonValue, PluginHealth, PluginInspector, Scope } from '@easel/schemas';
import {
  pluginHealthGuard,
  pluginInspectorGuard,
  pluginInvokeResultGuard,
  pluginListGuard,
} from '@easel/schemas/guards';
import { type ApiContext, type ApiError, protocolError, requestJson } from '../lib/requestJson.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import { describeIssues, parserFor } from '../lib/validation.ts';

/** A plugin call that ran and failed in the sandbox (`threw`, `timeout`, `oom`, `crashed`, `invalid_input`, …). */
export interface ToolFailure {
  readonly code: 'tool_failed';
  /** The sandbox's kind (contract §9; newer gateways may add kinds). */
  readonly kind: string;
  readonly message: string;
  /** How long the call ran, ms. */
  readonly ms: number;
}

/** Why `invoke` did not return a value: the request was refused ({@link ApiError}) or the tool failed. */
export type PluginCallError = ApiError | ToolFailure;

export interface PluginsClientOptions extends ApiContext {
  /** The scope plugin calls run in (their telemetry streams there). */
  readonly scope: () => Scope;
}

/**
 * Plugins (contract §9): health of every plugin, one plugin's health and inspector, and one
 * sandboxed tool call. Never rejects: `not_found` (no such plugin or tool), `unavailable` (503:
 * UNAVAILABLE or breaker open; `details` has `state` and `reason`), `forbidden`, … as values.
 */
export class PluginsClient {
  readonly #options: PluginsClientOptions;

  constructor(options: PluginsClientOptions) {
    this.#options = options;
  }

  /** `GET /v1/plugins`: every plugin's health. */
  async list(): Promise<Result<PluginHealth[], ApiError>> {
    const got = await requestJson(this.#options, { method: 'GET', path: '/v1/plugins' });
    if (!got.ok) return got;
    const parser = await parserFor(this.#options.deps.validate, pluginListGuard, 'pluginListSchema');
    const parsed = parser.safeParse(got.value);
    return parsed.success ? ok(parsed.data.plugins) : protocolError('GET /v1/plugins', describeIssues(parsed.error));
  }

  /** `GET /v1/plugins/{name}/health`: LOADED, RUNNING, FAILED or UNAVAILABLE (with the reason). */
  async health(name: string): Promise<Result<PluginHealth, ApiError>> {
    const got = await requestJson(this.#options, {
      method: 'GET',
      path: `/v1/plugins/${encodeURIComponent(name)}/health`,
    });
    if (!got.ok) return got;
    const parser = await parserFor(this.#options.deps.validate, pluginHealthGuard, 'pluginHealthSchema');
    const parsed = parser.safeParse(got.value);
    return parsed.success
      ? ok(parsed.data)
      : protocolError('GET /v1/plugins/{name}/health', describeIssues(parsed.error));
  }

  /** `GET /v1/plugins/{name}`: the inspector (tools, timing percentiles, recent warnings and errors). */
  async inspect(name: string): Promise<Result<PluginInspector, ApiError>> {
    const got = await requestJson(this.#options, { method: 'GET', path: `/v1/plugins/${encodeURIComponent(name)}` });
    if (!got.ok) return got;
    const parser = await parserFor(this.#options.deps.validate, pluginInspectorGuard, 'pluginInspectorSchema');
    const parsed = parser.safeParse(got.value);
    return parsed.success ? ok(parsed.data) : protocolError('GET /v1/plugins/{name}', describeIssues(parsed.error));
  }

  /**
   * One sandboxed call of `plugin.tool` with `input`: the tool's value and how long it ran, or a
   * {@link ToolFailure} (the call ran and failed) or an {@link ApiError} (it was refused). Not
   * retried (tools need not be idempotent).
   */
  async invoke(
    name: string,
    tool: string,
    input: JsonValue,
    options: { scope?: Scope; signal?: AbortSignal } = {},
  ): Promise<Result<{ value: JsonValue; ms: number }, PluginCallError>> {
    const got = await requestJson(this.#options, {
      method: 'POST',
      path: `/v1/plugins/${encodeURIComponent(name)}/tools/${encodeURIComponent(tool)}:invoke`,
      body: { scope: options.scope ?? this.#options.scope(), input },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!got.ok) return got;
    const parser = await parserFor(this.#options.deps.validate, pluginInvokeResultGuard, 'pluginInvokeResultSchema');
    const parsed = parser.safeParse(got.value);
    if (!parsed.success) return protocolError('POST …:invoke', describeIssues(parsed.error));
    const result = parsed.data;
    if (result.ok) return ok({ value: result.value as JsonValue, ms: result.ms });
    return err({ code: 'tool_failed', kind: result.error.kind, message: result.error.message, ms: result.ms });
  }
}
