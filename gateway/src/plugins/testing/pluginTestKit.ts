import { fileURLToPath } from 'node:url';
import { OPERATOR_VIEW } from '../inspector/RecentLog.ts';
import { type PluginHealth, pluginHealthSchema, pluginInspectorSchema, pluginListSchema } from '@easel/schemas';
import type { PluginFolder } from '../loading/listPluginFolders.ts';
import type { SandboxPluginHost } from '../openPluginHost.ts';

/** The fault fixtures (`gateway/test/fixtures/plugins/`). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../test/fixtures/plugins/', import.meta.url));

export function fixtureFolders(...names: string[]): PluginFolder[] {
  return names.map((name) => ({ dir: `${FIXTURES_DIR}${name}`, origin: 'external' as const }));
}

/** What a probe loop saw while it hammered `list()`, `health()` and `inspect()`. */
export interface ProbeReport {
  readonly rounds: number;
  readonly throws: string[];
  readonly invalid: string[];
  /** Every (state, reason) seen per plugin, in order, consecutive duplicates dropped. */
  readonly seen: Map<string, Array<{ state: PluginHealth['state']; reason?: string }>>;
}

/**
 * Calls `list()`, `health(name)` and `inspect(name)` for every plugin every `everyMs` ms and
 * validates each answer against the wire schemas, until `stop()`.
 */
export function startProbe(host: SandboxPluginHost, everyMs = 2): { stop(): ProbeReport } {
  const throws: string[] = [];
  const invalid: string[] = [];
  const seen = new Map<string, Array<{ state: PluginHealth['state']; reason?: string }>>();
  let rounds = 0;
  const timer = setInterval(() => {
    rounds++;
    try {
      const list = host.list();
      if (!pluginListSchema.safeParse({ plugins: list }).success) invalid.push('list');
      for (const item of list) {
        const health = host.health(item.name);
        if (!health || !pluginHealthSchema.safeParse(health).success) invalid.push(`health ${item.name}`);
        const inspector = host.inspect(item.name, OPERATOR_VIEW);
        const parsed = pluginInspectorSchema.safeParse(inspector);
        if (!parsed.success) invalid.push(`inspect ${item.name}: ${parsed.error.message.slice(0, 200)}`);
        const states = seen.get(item.name) ?? [];
        const last = states.at(-1);
        if (!last || last.state !== item.state || last.reason !== item.reason) {
          states.push({ state: item.state, ...(item.reason ? { reason: item.reason } : {}) });
        }
        seen.set(item.name, states);
      }
    } catch (err) {
      throws.push(err instanceof Error ? err.message : String(err));
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { rounds, throws, invalid, seen };
    },
  };
}

/** Polls `check` every 10 ms until it is true or `timeoutMs` passed; returns whether it became true. */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
