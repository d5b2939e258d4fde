import type { JsonValue, PluginHealth, PluginInspector, PluginInvokeResult, PluginManifest } from '@easel/schemas';
import type { CallOwner, InspectorViewer } from './inspector/RecentLog.ts';

/**
 * What a running call may report back while it works (contract §9 `ctx.progress/warn/partial`).
 * Called on the gateway's event loop, in the order the plugin reported; never after the call settled.
 */
export interface PluginCallObserver {
  /** 0–100. */
  onProgress?(percent: number): void;
  onWarning?(message: string): void;
  onPartial?(payload: JsonValue): void;
}

/** Options of one call. */
export interface PluginCallOptions extends PluginCallObserver {
  /** Aborts the call: it settles `{ok: false, error: {kind: 'aborted'}}` at once; the child is told (and killed if it ignores it). */
  readonly signal?: AbortSignal;
  /** Lower than the tool's `timeout_ms` (never higher). */
  readonly timeoutMs?: number;
  /**
   * The tenant (and project) the call is made for: its warnings and errors are shown in the
   * inspector to that tenant only. Absent: to no tenant at all (only the operator view).
   */
  readonly caller?: CallOwner;
}

/** Where a plugin comes from: a built-in folder or one added with `--plugins <dir>`. */
export type PluginOrigin = 'builtin' | 'external';

/**
 * The plugin host (contract §9): every plugin call in the gateway goes through `invoke`, which
 * runs it in the plugin's sandbox (its own child process) and never rejects. Listing, health and
 * inspection never throw either.
 */
export interface PluginHost {
  /** Every plugin's health, sorted by name (`GET /v1/plugins`). */
  list(): PluginHealth[];
  /** One plugin's health, or null when there is no such plugin. */
  health(name: string): PluginHealth | null;
  /**
   * The inspector view (`GET /v1/plugins/{name}`) for `viewer`, or null: a tenant sees the host's
   * own warnings and errors and those of its own calls (of the projects it is given), never another
   * tenant's.
   */
  inspect(name: string, viewer: InspectorViewer): PluginInspector | null;
  /** The projects of `tenantId` among the plugin's kept warnings and errors (empty for an unknown plugin). */
  inspectedProjects(name: string, tenantId: string): string[];
  /** The validated manifest, or null (also null for a folder whose plugin.json is invalid). */
  manifest(name: string): PluginManifest | null;
  /**
   * Runs `tool` of plugin `name` on `input` in the sandbox. Unknown plugin or tool:
   * `{ok: false, error: {kind: 'not_found'}}`; UNAVAILABLE or breaker open:
   * `{ok: false, error: {kind: 'unavailable'}}` (the HTTP layer maps these two to 404 / 503).
   * Everything else per contract §9 kinds (`threw`, `timeout`, `oom`, `crashed`, `invalid_input`, …).
   */
  invoke(name: string, tool: string, input: JsonValue, options?: PluginCallOptions): Promise<PluginInvokeResult>;
  /** Whether the host is up (readiness): plugins loaded, nothing stuck starting. */
  ready(): boolean;
  /** Stops every child process (SIGTERM, then SIGKILL after a grace period). */
  close(): Promise<void>;
}
