import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { type PluginManifest, pluginManifestSchema, pluginNameSchema } from '@easel/schemas';
import type { PluginOrigin } from '../PluginHost.ts';
import { type ToolValidators, toolValidators } from './toolValidators.ts';
import type { PluginFolder } from './listPluginFolders.ts';

/** A folder that can run: its manifest, its tools' schema checks and absolute entry path. */
export interface LoadablePlugin {
  readonly ok: true;
  readonly name: string;
  readonly dir: string;
  readonly origin: PluginOrigin;
  readonly manifest: PluginManifest;
  readonly validators: Map<string, ToolValidators>;
  readonly entryPath: string;
}

/** A folder that cannot load, with an actionable reason (the plugin is UNAVAILABLE). */
export interface UnloadablePlugin {
  readonly ok: false;
  /** The manifest's name when usable, else the folder name. */
  readonly name: string;
  readonly dir: string;
  readonly origin: PluginOrigin;
  /** The manifest when it was valid (a missing package or GPU), else null. */
  readonly manifest: PluginManifest | null;
  readonly reason: string;
}

export type LoadedFolder = LoadablePlugin | UnloadablePlugin;

/** What loading checks against the machine. */
export interface LoadEnvironment {
  /** Whether a GPU is present, and what was looked for. */
  readonly gpu: { readonly present: boolean; readonly detail: string };
}

/**
 * Reads and checks one plugin folder (contract §9): `plugin.json` against the manifest schema,
 * the entry file, the tools' JSON Schemas (against their meta-schema; each is compiled on its first
 * use, see `toolValidators`), `requires` packages resolved from the folder, and `device: 'gpu'`
 * against the machine. Never throws.
 */
export function loadPluginFolder(folder: PluginFolder, env: LoadEnvironment): LoadedFolder {
  const dir = resolve(folder.dir);
  const folderName = basename(dir).slice(0, 64) || 'plugin';
  const fail = (name: string, reason: string, manifest: PluginManifest | null = null): UnloadablePlugin => ({
    ok: false,
    name,
    dir,
    origin: folder.origin,
    manifest,
    reason,
  });
  const manifestPath = join(dir, 'plugin.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail(folderName, `plugin.json: not found in ${dir} (a plugin folder needs one)`);
    return fail(folderName, `plugin.json: cannot read it (${err instanceof Error ? err.message : String(err)})`);
  }
  const rawName = (raw as { name?: unknown } | null)?.name;
  const usableName = pluginNameSchema.safeParse(rawName).success ? (rawName as string) : folderName;
  const parsed = pluginManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.map(String).join('.') : '(root)';
    const others = [...new Set(parsed.error.issues.slice(1).map((i) => i.path.map(String).join('.') || '(root)'))];
    const more = others.length > 0 ? `; also invalid: ${others.join(', ')}` : '';
    return fail(usableName, `plugin.json: ${path}: ${issue?.message ?? 'invalid'}${more}`);
  }
  const manifest = parsed.data;
  const entryPath = resolve(dir, manifest.entry);
  if (!entryPath.startsWith(dir + sep) || !existsSync(entryPath)) {
    return fail(manifest.name, `plugin.json: entry: ${manifest.entry} not found in ${dir}`, manifest);
  }
  const validators = toolValidators(manifest);
  if (!validators.ok) return fail(manifest.name, validators.error, manifest);
  const missing = missingPackages(dir, manifest.requires ?? []);
  if (missing.length > 0) return fail(manifest.name, missingPackagesReason(dir, missing), manifest);
  if (manifest.device === 'gpu' && !env.gpu.present) {
    const reason =
      `device: needs a GPU but none was found (${env.gpu.detail}); run the gateway on a machine with a GPU ` +
      'and its driver, or set "device": "any" in plugin.json if the plugin can also run on the CPU';
    return fail(manifest.name, reason, manifest);
  }
  return {
    ok: true,
    name: manifest.name,
    dir,
    origin: folder.origin,
    manifest,
    validators: validators.value,
    entryPath,
  };
}

/** `import: Cannot find module 'sharp' (install it in the plugin folder: cd <dir> && npm install sharp)`. */
export function missingPackagesReason(dir: string, packages: readonly string[]): string {
  const names = packages.map((name) => `'${name}'`).join(', ');
  const noun = packages.length === 1 ? 'module' : 'modules';
  const verb = packages.length === 1 ? 'it' : 'them';
  return `import: Cannot find ${noun} ${names} (install ${verb} in the plugin folder: cd ${dir} && npm install ${packages.join(' ')})`;
}

/**
 * The `requires` packages the entry could not import: neither a Node built-in nor a
 * `node_modules/<package>` folder in the plugin folder or one of its parents. That is the lookup an
 * ESM `import` does (no NODE_PATH, no global folders, which `require.resolve` would also accept).
 */
function missingPackages(dir: string, packages: readonly string[]): string[] {
  const ancestors: string[] = [];
  for (let at = dir; ancestors.length < 64; at = dirname(at)) {
    ancestors.push(at);
    if (dirname(at) === at) break;
  }
  return packages.filter((name) => {
    if (isBuiltin(name)) return false;
    const folder = packageFolder(name);
    if (!folder) return true;
    return !ancestors.some((at) => existsSync(join(at, 'node_modules', folder, 'package.json')));
  });
}

/** `sharp` → `sharp`, `@scope/pkg/sub` → `@scope/pkg`; null for a path or an invalid name. */
function packageFolder(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.includes('\\')) return null;
  const parts = spec.split('/');
  const folder = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  if (!/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(folder)) return null;
  return folder;
}
