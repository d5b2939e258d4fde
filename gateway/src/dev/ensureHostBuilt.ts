import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's `host/` package (the harness host app `easel dev` serves). */
export const DEFAULT_HOST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../host');

/**
 * What the host build writes beside `index.html` for `easel dev` (`host/src/build/devBootstrap.ts`):
 * the host-registered canvas types and the bundled flows' canvases, set up server side at start.
 */
export const DEV_BOOTSTRAP_FILE = 'easel-dev.json';

/** What the host build depends on, relative to the repository root (newer than the build = stale). */
const SOURCES = [
  'host/src',
  'host/flows',
  'host/public',
  'host/index.html',
  'host/vite.config.ts',
  'host/package.json',
  'sdk/harness/src',
  'sdk/canvases/src',
  'sdk/transport/src',
  'schemas/src',
];

/** Files looked at, at most (a bound on the walk; past it the build counts as stale). */
const MAX_FILES = 20_000;

/** Whether `<hostDir>/dist` is there and newer than everything it is built from. */
export function hostBuildState(hostDir: string): { fresh: boolean; reason: string } {
  const index = path.join(hostDir, 'dist', 'index.html');
  if (!existsSync(index)) return { fresh: false, reason: 'host/dist is missing' };
  if (!existsSync(path.join(hostDir, 'dist', DEV_BOOTSTRAP_FILE))) {
    return { fresh: false, reason: `host/dist/${DEV_BOOTSTRAP_FILE} is missing` };
  }
  const built = statSync(index).mtimeMs;
  const root = path.dirname(hostDir);
  let seen = 0;
  const newer = (entry: string): string | null => {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(entry);
    } catch {
      return null;
    }
    if (stats.isFile()) {
      seen += 1;
      // Tests and stories are not part of the app.
      if (/\.(test|stories)\.[cm]?[jt]sx?$/.test(entry)) return null;
      return stats.mtimeMs > built ? entry : null;
    }
    if (!stats.isDirectory()) return null;
    for (const name of readdirSync(entry)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      if (seen > MAX_FILES) return entry;
      const found = newer(path.join(entry, name));
      if (found) return found;
    }
    return null;
  };
  for (const source of SOURCES) {
    const found = newer(path.join(root, source));
    if (found) return { fresh: false, reason: `${path.relative(root, found)} is newer than host/dist` };
  }
  return { fresh: true, reason: 'host/dist is up to date' };
}

/** Options of {@link ensureHostBuilt}. */
export interface EnsureHostBuiltOptions {
  hostDir?: string;
  /** Progress lines; default none. */
  log?: (line: string) => void;
  /** Build even when fresh. */
  force?: boolean;
}

/**
 * Builds the host app with Vite (the host's own `src/build/buildHost.ts`, so Vite resolves from the
 * host package) unless `host/dist` is fresh. Resolves with the directory to serve.
 */
export async function ensureHostBuilt(
  options: EnsureHostBuiltOptions = {},
): Promise<{ ok: true; value: { distDir: string; built: boolean; ms: number } } | { ok: false; message: string }> {
  const hostDir = options.hostDir ?? DEFAULT_HOST_DIR;
  const log = options.log ?? (() => {});
  const distDir = path.join(hostDir, 'dist');
  if (!existsSync(path.join(hostDir, 'vite.config.ts'))) {
    return { ok: false, message: `no host app at ${hostDir} (vite.config.ts is missing)` };
  }
  const state = hostBuildState(hostDir);
  if (state.fresh && !options.force) return { ok: true, value: { distDir, built: false, ms: 0 } };
  const started = performance.now();
  log(`host: building the host app with Vite (${options.force ? 'forced' : state.reason})…`);
  try {
    const entry = pathToFileURL(path.join(hostDir, 'src', 'build', 'buildHost.ts')).href;
    const mod = (await import(entry)) as {
      buildHost(o: { hostDir: string; onProgress?: (line: string) => void }): Promise<{ modules: number }>;
    };
    const result = await mod.buildHost({ hostDir, onProgress: (line) => log(`host: ${line}`) });
    const ms = Math.round(performance.now() - started);
    log(
      `host: built ${result.modules} modules into ${path.relative(process.cwd(), distDir) || distDir} in ${(ms / 1000).toFixed(1)} s`,
    );
    return { ok: true, value: { distDir, built: true, ms } };
  } catch (err) {
    return { ok: false, message: `building the host app failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * What `easel dev` serves: the host build, made fresh first. A failed build is reported and an older
 * build is served if there is one; null when there is nothing to serve.
 */
export async function devHostDir(log: (line: string) => void, hostDir = DEFAULT_HOST_DIR): Promise<string | null> {
  const built = await ensureHostBuilt({ hostDir, log });
  if (built.ok) return built.value.distDir;
  log(`host: ${built.message}`);
  const stale = path.join(hostDir, 'dist');
  if (existsSync(path.join(stale, 'index.html'))) {
    log('host: serving the previous build of host/dist');
    return stale;
  }
  log('host: no host app to serve; the gateway runs alone');
  return null;
}
