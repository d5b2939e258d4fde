import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const PAGE_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page/benchPage.tsx');

/**
 * The bench page (real harness + canvases + transport, React in production mode) as one ES module.
 * `plugins`: esbuild plugins for A/B builds (e.g. files as committed, a request stubbed out).
 */
export async function bundlePage(options: { minify?: boolean; plugins?: Plugin[] } = {}): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: options.minify ?? true,
    write: false,
    external: ['ws'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    ...(options.plugins ? { plugins: options.plugins } : {}),
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no bench page');
  return out.text;
}

/** The HTML that loads the bundle from the same origin as the gateway. */
export const BENCH_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>easel bench</title></head>' +
  '<body><div id="root"></div><script type="module" src="/__bench/page.js"></script></body></html>';
