import type { PluginHealth, PluginInspector, PluginManifest } from '@easel/schemas';
import { RecentLog } from './RecentLog.ts';
import { TimingReservoir } from './TimingReservoir.ts';

/** Bounds of what the inspector remembers. */
export interface InspectorLimits {
  /** Timing samples kept per tool (a uniform reservoir). Default 512. */
  readonly reservoir?: number;
  /** Warnings and errors kept each. Default 50. */
  readonly recent?: number;
}

/**
 * The inspector of one plugin (contract §9, `GET /v1/plugins/{name}`): per-tool timing
 * percentiles over a bounded reservoir, the last warnings (`ctx.warn`) and the last errors (failed
 * calls, crashes, failed starts), each with an ISO time and the tool. Memory is bounded.
 */
export class InspectorService {
  private readonly timings = new Map<string, TimingReservoir>();
  private readonly warnings: RecentLog;
  private readonly errors: RecentLog;

  constructor(
    private readonly limits: InspectorLimits = {},
    now: () => number = Date.now,
  ) {
    this.warnings = new RecentLog(limits.recent ?? 50, now);
    this.errors = new RecentLog(limits.recent ?? 50, now);
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

  recordWarning(message: string, tool?: string): void {
    this.warnings.add(message, tool);
  }

  recordError(message: string, tool?: string): void {
    this.errors.add(message, tool);
  }

  /** The inspector view: health, then manifest metadata (when valid), timings and recent problems. */
  view(health: PluginHealth, manifest: PluginManifest | null): PluginInspector {
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
      recent_warnings: this.warnings.list(),
      recent_errors: this.errors.list(),
    };
  }
}
