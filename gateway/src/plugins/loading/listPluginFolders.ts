import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PluginOrigin } from '../PluginHost.ts';

/** A plugin folder to load and where it came from. */
export interface PluginFolder {
  /** Absolute path of the folder holding `plugin.json`. */
  readonly dir: string;
  readonly origin: PluginOrigin;
}

/**
 * Expands `easel serve --plugins <dir>`: every sub-folder of `dir` (except hidden ones and
 * `node_modules`), sorted by name; a folder without `plugin.json` still appears so the host lists
 * it as UNAVAILABLE with a reason. When `dir` itself holds a `plugin.json`, it is the one plugin.
 * A missing or unreadable `dir` is an error value.
 */
export function listPluginFolders(
  dir: string,
  origin: PluginOrigin = 'external',
): { ok: true; value: PluginFolder[] } | { ok: false; error: string } {
  const root = resolve(dir);
  try {
    if (!statSync(root).isDirectory()) return { ok: false, error: `--plugins ${dir}: not a directory` };
    if (existsSync(join(root, 'plugin.json'))) return { ok: true, value: [{ dir: root, origin }] };
    const names = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map((entry) => entry.name)
      .sort();
    return { ok: true, value: names.map((name) => ({ dir: join(root, name), origin })) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : err instanceof Error ? err.message : String(err);
    return { ok: false, error: `--plugins ${dir}: ${why}` };
  }
}
