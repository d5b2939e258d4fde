import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The gateway package's root (`gateway/`). */
const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where {@link buildGateway} writes by default, and the entry it produces there. */
export const GATEWAY_DIST_DIR = path.join(GATEWAY_DIR, 'dist');
export const GATEWAY_DIST_ENTRY = 'easel.mjs';

/** Options of {@link buildGateway}. */
export interface BuildGatewayOptions {
  /**
   * Output directory. Default `gateway/dist`. It must sit inside `gateway/` (at any depth) so the
   * bundle resolves the gateway's npm dependencies from `gateway/node_modules`.
   */
  outdir?: string;
}

/** What a build produced. */
export interface BuiltGateway {
  /** Absolute path of the entry (`node <entry> serve …` runs the CLI). */
  entry: string;
  /** Wall time of the build. */
  ms: number;
}

/**
 * Builds the `easel` CLI (and the whole gateway with it) into plain ES modules: the production way
 * to run it (`node gateway/dist/easel.mjs serve`). `pnpm easel` runs the TypeScript sources through
 * tsx instead, which is right while developing but costs at run time: tsx compiles with esbuild's
 * `keepNames`, so every function created under a name (a closure per command, per event) also
 * makes an `Object.defineProperty` call; the bundle has none (PERF-NOTES, eleventh session).
 *
 * - npm packages stay external (imported from `node_modules` as usual; lazily loaded engines stay
 *   lazy: dynamic imports become separate chunks, `splitting`); the workspace's own packages
 *   (`@easel/*`, TypeScript sources) are bundled.
 * - `import.meta.url` in a source file becomes that file's own URL, so paths next to the sources
 *   (built-in plugins, the plugin runner, `host/`) resolve as they do under tsx. The CLI module
 *   keeps the bundle's own URL (it checks that it is the main module).
 * - A linked source map (`node --enable-source-maps` shows TypeScript positions).
 */
export async function buildGateway(options: BuildGatewayOptions = {}): Promise<BuiltGateway> {
  const started = performance.now();
  const outdir = path.resolve(options.outdir ?? GATEWAY_DIST_DIR);
  if (!outdir.startsWith(`${GATEWAY_DIR}${path.sep}`)) {
    throw new Error(`buildGateway: outdir must be inside ${GATEWAY_DIR} (got ${outdir})`);
  }
  // Chunk names carry content hashes: clear the previous build's modules so none goes stale.
  await mkdir(outdir, { recursive: true });
  for (const name of await readdir(outdir)) {
    if (name.endsWith('.mjs') || name.endsWith('.mjs.map')) await rm(path.join(outdir, name), { force: true });
  }
  const esbuild = await import('esbuild');
  const cliPath = path.join(GATEWAY_DIR, 'src', 'cli.ts');
  await esbuild.build({
    entryPoints: { easel: cliPath },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    logLevel: 'warning',
    // Bundled CommonJS code (none today) would need `require`; ESM output has none of its own.
    banner: {
      js: "import { createRequire as __easelRequire } from 'node:module';\nconst require = __easelRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'easel-externals-and-file-urls',
        setup(build) {
          // npm packages external; `@easel/*` (workspace TypeScript) bundled.
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@easel/') ? undefined : { path: args.path, external: true },
          );
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            const source = await readFile(args.path, 'utf8');
            const contents =
              args.path === cliPath
                ? source
                : source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
  });
  return { entry: path.join(outdir, GATEWAY_DIST_ENTRY), ms: performance.now() - started };
}

const isMain =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(fileURLToPath(import.meta.url));
if (isMain) {
  buildGateway().then(
    (built) => console.log(`built ${path.relative(process.cwd(), built.entry)} in ${Math.round(built.ms)} ms`),
    (err: unknown) => {
      console.error(`build:gateway: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
