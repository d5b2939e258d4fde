import type { JsonValue, PluginHealth, PluginInspector, Scope } from '@easel/schemas';
import type { ApiContext, ApiError } from '../lib/requestJson.ts';
import type { Result } from '../lib/Result.ts';
import { REST_KIT } from '../lib/restKit.ts';
import type { PluginCalls } from './pluginCalls.ts';

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
 * The calls are loaded with the first one (a separate chunk in browser bundles).
 */
export class PluginsClient {
  readonly #options: PluginsClientOptions;
  #calls: Promise<PluginCalls> | null = null;

  constructor(options: PluginsClientOptions) {
    this.#options = options;
  }

  /** `GET /v1/plugins`: every plugin's health. */
  async list(): Promise<Result<PluginHealth[], ApiError>> {
    return (await this.#load()).list();
  }

  /** `GET /v1/plugins/{name}/health`: LOADED, RUNNING, FAILED or UNAVAILABLE (with the reason). */
  async health(name: string): Promise<Result<PluginHealth, ApiError>> {
    return (await this.#load()).health(name);
  }

  /** `GET /v1/plugins/{name}`: the inspector (tools, timing percentiles, recent warnings and errors). */
  async inspect(name: string): Promise<Result<PluginInspector, ApiError>> {
    return (await this.#load()).inspect(name);
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
    return (await this.#load()).invoke(name, tool, input, options);
  }

  #load(): Promise<PluginCalls> {
    this.#calls ??= import('./pluginCalls.ts').then((m) => new m.PluginCalls(this.#options, REST_KIT));
    return this.#calls;
  }
}
