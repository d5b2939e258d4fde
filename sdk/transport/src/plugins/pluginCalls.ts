import type { JsonValue, PluginHealth, PluginInspector, Scope } from '@easel/schemas';
import type { ApiError } from '../lib/requestJson.ts';
import type { RestKit } from '../lib/restKit.ts';
import type { Result } from '../lib/Result.ts';
import type { PluginCallError, PluginsClientOptions } from './PluginsClient.ts';

/**
 * What {@link PluginsClient} does, loaded on its first call. Everything it uses from the rest of the
 * transport comes in through `kit`, so that bundlers keep this module a leaf chunk.
 */
export class PluginCalls {
  readonly #options: PluginsClientOptions;
  readonly #kit: RestKit;

  constructor(options: PluginsClientOptions, kit: RestKit) {
    this.#options = options;
    this.#kit = kit;
  }

  /** `GET /v1/plugins`: every plugin's health. */
  async list(): Promise<Result<PluginHealth[], ApiError>> {
    const got = await this.#kit.requestJson(this.#options, { method: 'GET', path: '/v1/plugins' });
    if (!got.ok) return got;
    const parser = await this.#kit.answerParser(this.#options.deps.validate, 'pluginList');
    const parsed = parser.safeParse(got.value);
    return parsed.success
      ? { ok: true as const, value: parsed.data.plugins }
      : this.#kit.protocolError('GET /v1/plugins', this.#kit.describeIssues(parsed.error));
  }

  /** `GET /v1/plugins/{name}/health`: LOADED, RUNNING, FAILED or UNAVAILABLE (with the reason). */
  async health(name: string): Promise<Result<PluginHealth, ApiError>> {
    const got = await this.#kit.requestJson(this.#options, {
      method: 'GET',
      path: `/v1/plugins/${encodeURIComponent(name)}/health`,
    });
    if (!got.ok) return got;
    const parser = await this.#kit.answerParser(this.#options.deps.validate, 'pluginHealth');
    const parsed = parser.safeParse(got.value);
    return parsed.success
      ? { ok: true as const, value: parsed.data }
      : this.#kit.protocolError('GET /v1/plugins/{name}/health', this.#kit.describeIssues(parsed.error));
  }

  /** `GET /v1/plugins/{name}`: the inspector (tools, timing percentiles, recent warnings and errors). */
  async inspect(name: string): Promise<Result<PluginInspector, ApiError>> {
    const got = await this.#kit.requestJson(this.#options, {
      method: 'GET',
      path: `/v1/plugins/${encodeURIComponent(name)}`,
    });
    if (!got.ok) return got;
    const parser = await this.#kit.answerParser(this.#options.deps.validate, 'pluginInspector');
    const parsed = parser.safeParse(got.value);
    return parsed.success
      ? { ok: true as const, value: parsed.data }
      : this.#kit.protocolError('GET /v1/plugins/{name}', this.#kit.describeIssues(parsed.error));
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
    const got = await this.#kit.requestJson(this.#options, {
      method: 'POST',
      path: `/v1/plugins/${encodeURIComponent(name)}/tools/${encodeURIComponent(tool)}:invoke`,
      body: { scope: options.scope ?? this.#options.scope(), input },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!got.ok) return got;
    const parser = await this.#kit.answerParser(this.#options.deps.validate, 'pluginInvokeResult');
    const parsed = parser.safeParse(got.value);
    if (!parsed.success) return this.#kit.protocolError('POST …:invoke', this.#kit.describeIssues(parsed.error));
    const result = parsed.data;
    if (result.ok) return { ok: true as const, value: { value: result.value as JsonValue, ms: result.ms } };
    return {
      ok: false as const,
      error: { code: 'tool_failed' as const, kind: result.error.kind, message: result.error.message, ms: result.ms },
    };
  }
}
