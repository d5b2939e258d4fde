import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILTIN_PLUGIN_NAMES, BUILTIN_PLUGINS_DIR } from './builtin/builtinPluginsDir.ts';
import type { PluginFolder } from './loading/listPluginFolders.ts';

export { BUILTIN_PLUGINS_DIR };

/**
 * The built-in plugin folders (origin `builtin`): one per name in `BUILTIN_PLUGIN_NAMES`, sorted by
 * name; none while `dir` is missing. Only the named folders are plugins, so `builtin/shared/` (code
 * the built-ins import) is never listed. A named folder that is missing still appears, so the host
 * lists it as UNAVAILABLE with a reason.
 */
export function builtinPluginFolders(dir: string = BUILTIN_PLUGINS_DIR): PluginFolder[] {
  if (!existsSync(dir)) return [];
  const root = resolve(dir);
  return [...BUILTIN_PLUGIN_NAMES].sort().map((name) => ({ dir: join(root, name), origin: 'builtin' as const }));
}
