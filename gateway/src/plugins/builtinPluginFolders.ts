import { existsSync } from 'node:fs';
import { BUILTIN_PLUGINS_DIR } from './builtin/builtinPluginsDir.ts';
import { listPluginFolders, type PluginFolder } from './loading/listPluginFolders.ts';

export { BUILTIN_PLUGINS_DIR };

/** Every built-in plugin folder (origin `builtin`), sorted by name; none while the folder is missing. */
export function builtinPluginFolders(dir: string = BUILTIN_PLUGINS_DIR): PluginFolder[] {
  if (!existsSync(dir)) return [];
  const listed = listPluginFolders(dir, 'builtin');
  return listed.ok ? listed.value : [];
}
