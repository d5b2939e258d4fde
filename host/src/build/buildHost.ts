import path from 'node:path';
import { build, type Plugin } from 'vite';
import { writeDevBootstrap } from './devBootstrap.ts';

/** Options of {@link buildHost}. */
export interface BuildHostOptions {
  /** The host package folder (holds `vite.config.ts`, `index.html`, `src/`). */
  hostDir: string;
  /** Progress lines (`transformed 400 modules…`); default none. */
  onProgress?: (line: string) => void;
}

/** Reports every this many transformed modules. */
const PROGRESS_EVERY = 250;

/**
 * Builds the host app into `<hostDir>/dist` with Vite's JS API (what `easel dev` runs when the
 * build is missing or stale), plus `easel-dev.json` (see `devBootstrap.ts`). Node only; never bundled
 * into the app.
 */
export async function buildHost(options: BuildHostOptions): Promise<{ outDir: string; modules: number }> {
  const report = options.onProgress ?? (() => {});
  let modules = 0;
  const progress: Plugin = {
    name: 'easel-build-progress',
    transform() {
      modules += 1;
      if (modules % PROGRESS_EVERY === 0) report(`transformed ${modules} modules…`);
      return null;
    },
    generateBundle() {
      report(`transformed ${modules} modules; writing the bundle…`);
    },
  };
  const outDir = path.join(options.hostDir, 'dist');
  // A production bundle even when the caller runs under NODE_ENV=test/development (Vitest, tsx
  // watchers): Vite and React read NODE_ENV, and a development React double-runs effects.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: options.hostDir,
      configFile: path.join(options.hostDir, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      plugins: [progress],
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  // What `easel dev` registers and creates server side (the page holds no admin token).
  writeDevBootstrap(options.hostDir, outDir);
  return { outDir, modules };
}
