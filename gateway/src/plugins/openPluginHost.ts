import { basename } from 'node:path';
import type { JsonValue, PluginHealth, PluginInspector, PluginInvokeResult, PluginManifest } from '@easel/schemas';
import { detectGpu, type GpuProbe } from './loading/detectGpu.ts';
import type { InspectorViewer } from './inspector/RecentLog.ts';
import type { PluginFolder } from './loading/listPluginFolders.ts';
import { loadPluginFolder } from './loading/loadPluginFolder.ts';
import type { PluginCallOptions, PluginHost } from './PluginHost.ts';
import { type PluginHostLimits, resolveLimits } from './PluginHostLimits.ts';
import { PluginSlot } from './registry/PluginSlot.ts';
import type { StandbyState } from './registry/StandbyKeeper.ts';
import { StandbyPool } from './registry/StandbyPool.ts';
import { runPluginSandboxed } from './runPluginSandboxed.ts';

/** The logging the host needs (a pino logger fits). */
export interface PluginHostLogger {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
}

/** A change of a plugin's public state or reason (for `plugin_status` events). */
export interface PluginStateChange {
  readonly health: PluginHealth;
  /** Generation of the plugin's newest process (grows by one per start). */
  readonly generation: number;
}

/** Options of {@link openPluginHost}. */
export interface PluginHostOptions {
  /** Plugin folders, built-ins first (see `builtinPluginFolders`, `listPluginFolders`). A name seen twice: the later folder is UNAVAILABLE. */
  readonly folders: readonly PluginFolder[];
  /** Default: silent. */
  readonly logger?: PluginHostLogger;
  /** Timeouts, memory headroom, backoff, breaker, idle stop. */
  readonly limits?: PluginHostLimits;
  /** The GPU probe. Default: {@link detectGpu} (device nodes plus `nvidia-smi`). */
  readonly gpu?: GpuProbe;
  /**
   * Runs plugin processes as this user and group (needs a root gateway). The one OS-level guard
   * against a plugin signalling the gateway through `kill(1)`; the folder must be readable by it.
   * Default: the gateway's own user.
   */
  readonly runAs?: { readonly uid: number; readonly gid: number };
  /**
   * Starts each plugin process in a session and process group of its own (`setsid`): a timeout or
   * watchdog kill then reaches the whole group, including processes that left the plugin's process
   * tree, and terminal signals never reach plugins. Costs call latency on a loaded machine whose
   * kernel groups CPU time per session (`sched_autogroup`, on by default on most desktops and many
   * servers outside cgroup CPU limits): every call then waits for the other session to be scheduled.
   * Default false: plugin processes share the gateway's session, a kill walks the process tree, and
   * the runner refuses `process.kill(0)` and negative pids (the gateway's group).
   */
  readonly ownSession?: boolean;
}

/** The plugin host with its optional extras. */
export interface SandboxPluginHost extends PluginHost {
  /** Listens to public state and reason changes; returns the unsubscribe. */
  subscribe(listener: (change: PluginStateChange) => void): () => void;
  /** Crash → ready time of the plugin's last recovery, ms, or null. */
  lastRecoveryMs(name: string): number | null;
  /** Where the plugin's standby process is (`none`, `scheduled`, `starting`, `ready`), or null when there is no such plugin. */
  standbyState(name: string): StandbyState | null;
}

const SILENT: PluginHostLogger = { info() {}, warn() {} };

/**
 * Loads every plugin folder (contract §9) and returns the host: plugins start on first use, each in
 * its own sandboxed child process. Never throws for a bad folder: it is listed UNAVAILABLE with why.
 */
export async function openPluginHost(options: PluginHostOptions): Promise<SandboxPluginHost> {
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? SILENT;
  const gpu = options.gpu ?? detectGpu();
  const listeners = new Set<(change: PluginStateChange) => void>();
  const lastSeen = new Map<string, string>();
  const hooks = {
    onChange(slot: PluginSlot) {
      if (listeners.size === 0) return;
      const health = slot.health();
      const key = changeKey(health, slot.generation);
      if (lastSeen.get(slot.name) === key) return;
      lastSeen.set(slot.name, key);
      for (const listener of listeners) {
        try {
          listener({ health, generation: slot.generation });
        } catch {
          // a listener's bug must not break the host
        }
      }
    },
    log(level: 'info' | 'warn', data: Record<string, unknown>, message: string) {
      logger[level](data, message);
    },
    ...(options.runAs ? { runAs: options.runAs } : {}),
    ownSession: options.ownSession === true,
    standbyPool: new StandbyPool(limits.standby.maxProcesses),
  };
  const slots = new Map<string, PluginSlot>();
  for (const folder of options.folders) {
    const loaded = loadPluginFolder(folder, { gpu });
    const first = slots.get(loaded.name);
    if (!first) {
      slots.set(loaded.name, new PluginSlot(loaded, limits, hooks));
      if (!loaded.ok) logger.warn({ plugin: loaded.name, reason: loaded.reason }, 'plugin unavailable');
      continue;
    }
    const key = duplicateKey(loaded.name, basename(loaded.dir), slots);
    const slot = new PluginSlot(loaded, limits, hooks, key);
    const reason =
      `duplicate plugin name "${loaded.name}": already loaded from ${first.dir}; ` +
      `rename "name" in ${loaded.dir}/plugin.json or remove one of the folders`;
    slot.markUnavailable(reason);
    slots.set(key, slot);
    logger.warn({ plugin: key, reason }, 'plugin unavailable');
  }
  const sorted = [...slots.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const slot of sorted) {
    const health = slot.health();
    lastSeen.set(slot.name, changeKey(health, slot.generation));
  }
  let closed = false;
  logger.info({ plugins: sorted.map((slot) => `${slot.name}:${slot.health().state}`) }, 'plugins loaded');

  return {
    list(): PluginHealth[] {
      return sorted.map((slot) => slot.health());
    },
    health(name: string): PluginHealth | null {
      return slots.get(name)?.health() ?? null;
    },
    inspect(name: string, viewer: InspectorViewer): PluginInspector | null {
      return slots.get(name)?.inspect(viewer) ?? null;
    },
    inspectedProjects(name: string, tenantId: string): string[] {
      return slots.get(name)?.inspector.projectsOf(tenantId) ?? [];
    },
    manifest(name: string): PluginManifest | null {
      return slots.get(name)?.manifest ?? null;
    },
    invoke(name: string, tool: string, input: JsonValue, callOptions?: PluginCallOptions): Promise<PluginInvokeResult> {
      const slot = slots.get(name);
      if (!slot) {
        return Promise.resolve({ ok: false, error: { kind: 'not_found', message: `no plugin named ${name}` }, ms: 0 });
      }
      return runPluginSandboxed(slot, tool, input, callOptions);
    },
    ready(): boolean {
      return !closed;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all(sorted.map((slot) => slot.close(limits.stopGraceMs)));
    },
    subscribe(listener: (change: PluginStateChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lastRecoveryMs(name: string): number | null {
      return slots.get(name)?.lastRecoveryMs ?? null;
    },
    standbyState(name: string): StandbyState | null {
      return slots.get(name)?.standbyState ?? null;
    },
  };
}

/**
 * What makes a change worth telling: the state, the reason, and which process serves while RUNNING
 * (a standby promoted after a crash keeps the plugin RUNNING, with a new generation).
 */
function changeKey(health: PluginHealth, generation: number): string {
  return `${health.state}|${health.reason ?? ''}|${health.state === 'RUNNING' ? generation : ''}`;
}

function duplicateKey(name: string, folder: string, taken: ReadonlyMap<string, unknown>): string {
  if (!taken.has(folder)) return folder.slice(0, 64);
  let n = 2;
  while (taken.has(`${name.slice(0, 50)}-duplicate-${n}`) && n <= taken.size + 1) n++;
  return `${name.slice(0, 50)}-duplicate-${n}`;
}
