import type { PluginManifest } from '@easel/schemas';
import type { InspectorService } from '../inspector/inspector_service.ts';
import { PluginProcess, type ProcessExit } from '../sandbox/PluginProcess.ts';
import type { SlotHooks } from './SlotHooks.ts';
import type { SlotLimits } from './SlotLimits.ts';

/** What {@link createSlotProcess} needs to know about the plugin. */
export interface SlotProcessOptions {
  readonly name: string;
  readonly dir: string;
  readonly entryPath: string | null;
  readonly manifest: PluginManifest | null;
  readonly limits: SlotLimits;
  readonly hooks: SlotHooks;
  /** Receives the process's init warnings. */
  readonly inspector: InspectorService;
  readonly generation: number;
  /** The process ended (the slot routes it: the serving process, the standby, or an older one). */
  onExit(proc: PluginProcess, exit: ProcessExit): void;
}

/**
 * A process of a plugin, not started: its heap is the largest `memory_mb` of its tools (at least
 * `limits.minHeapMb`), its RSS limit that plus `limits.rssHeadroomMb`, with the slot's sandbox options.
 */
export function createSlotProcess(options: SlotProcessOptions): PluginProcess {
  const { limits, hooks, generation } = options;
  const tools = Object.values(options.manifest?.tools ?? {});
  const heapMb = Math.max(limits.minHeapMb, ...tools.map((tool) => tool.memory_mb));
  const proc: PluginProcess = new PluginProcess({
    dir: options.dir,
    entryPath: options.entryPath ?? '',
    heapMb,
    rssLimitMb: heapMb + limits.rssHeadroomMb,
    generation,
    startTimeoutMs: limits.startTimeoutMs,
    rssPollMs: limits.rssPollMs,
    abortGraceMs: limits.abortGraceMs,
    maxMessageBytes: limits.maxMessageBytes,
    ownSession: hooks.ownSession === true,
    ...(hooks.runAs ? { runAs: hooks.runAs } : {}),
    onInitWarning: (message) => options.inspector.recordWarning(message, undefined, 'host'),
    onExit: (exit) => options.onExit(proc, exit),
  });
  hooks.log('info', { plugin: options.name, generation }, 'plugin process spawned');
  return proc;
}
