import type { PluginHealth, PluginInspector, PluginManifest } from '@easel/schemas';
import { type EntryOwner, type InspectorViewer, RecentLog } from './RecentLog.ts';
import { TimingReservoir } from './TimingReservoir.ts';

/** Bounds of what the inspector remembers. */
export interface InspectorLimits {
  /** Timing samples kept per tool (a uniform reservoir). Default 512. */
  readonly reservoir?: number;
  /** Warnings and errors shown each (the last a viewer may see). Default 50. */
  readonly recent?: number;
  /**
   * Warnings and errors kept each, of every tenant together (one ring, so memory stays bounded
   * however many tenants call). Default 4 × `recent`.
   */
  readonly recentKept?: number;
}

/**
 * The inspector of one plugin (contract §9, `GET /v1/plugins/{name}`): per-tool timing
 * percentiles over a bounded reservoir, the last warnings (`ctx.warn`) and the last errors (failed
 * calls, crashes, failed starts), each with an ISO time and the tool. Memory is bounded.
 *
 * Each warning and error has an owner (`EntryOwner`): a call's are its tenant's (and project's),
 * seen only by that tenant; the host's own (failed starts, `init` warnings, crash summaries) carry
 * no call's data and are seen by every tenant (contract §1 tenant scope).
 */
export class InspectorService {
  private readonly timings = new Map<string, TimingReservoir>();
  private readonly warnings: RecentLog;
  private readonly errors: RecentLog;

  constructor(
    private readonly limits: InspectorLimits = {},
    now: () => number = Date.now,
  ) {
    const shown = limits.recent ?? 50;
    const kept = Math.max(shown, limits.recentKept ?? shown * 4);
    this.warnings = new RecentLog(kept, now, shown);
    this.errors = new RecentLog(kept, now, shown);
  }

  /** Records how long a call of `tool` took (every call that reached the sandbox). */
  recordTiming(tool: string, ms: number): void {
    let reservoir = this.timings.get(tool);
    if (!reservoir) {
      reservoir = new TimingReservoir(this.limits.reservoir ?? 512);
      this.timings.set(tool, reservoir);
    }
    reservoir.add(ms);
  }

  /** A warning (`ctx.warn`) of a call (`owner`: its tenant) or of the plugin's `init` (`'host'`). */
  recordWarning(message: string, tool: string | undefined, owner: EntryOwner): void {
    this.warnings.add(message, tool, owner);
  }

  /** A failed call (`owner`: its tenant), or a crash or failed start (`'host'`: no call's data in it). */
  recordError(message: string, tool: string | undefined, owner: EntryOwner): void {
    this.errors.add(message, tool, owner);
  }

  /** The projects of `tenantId` that the kept warnings and errors came from. */
  projectsOf(tenantId: string): string[] {
    const projects = new Set<string>();
    this.warnings.projectsOf(tenantId, projects);
    this.errors.projectsOf(tenantId, projects);
    return [...projects];
  }

  /**
   * The inspector view for `viewer`: health, then manifest metadata (when valid), timings and the
   * recent problems `viewer` may see.
   */
  view(health: PluginHealth, manifest: PluginManifest | null, viewer: InspectorViewer): PluginInspector {
    const tools: PluginInspector['tools'] = {};
    for (const [name, tool] of Object.entries(manifest?.tools ?? {})) {
      const timings = this.timings.get(name)?.percentiles();
      tools[name] = {
        description: tool.description,
        timeout_ms: tool.timeout_ms,
        memory_mb: tool.memory_mb,
        idempotent: tool.idempotent,
        input: tool.input,
        output: tool.output,
        ...(timings ? { timings_ms: timings } : {}),
      };
    }
    return {
      ...health,
      ...(manifest ? { device: manifest.device } : {}),
      ...(manifest?.requires ? { requires: manifest.requires } : {}),
      tools,
      recent_warnings: this.warnings.list(viewer),
      recent_errors: this.errors.list(viewer),
    };
  }
}
