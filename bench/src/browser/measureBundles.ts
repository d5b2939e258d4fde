import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Bytes of one bundled entry: raw (minified) and gzip -9, with lazy chunks counted apart. */
export interface BundleSize {
  label: string;
  /** The entry chunk a page loads first, minified. */
  entryBytes: number;
  /** The entry chunk, gzip -9. */
  entryGzip: number;
  /** Lazily imported chunks (e.g. the Hocuspocus provider behind `import()`), gzip -9, summed. */
  lazyGzip: number;
  /** Packages left out of the bundle. */
  external: string[];
  /** Where the first-load bytes come from: package (or source folder) → minified bytes, largest first. */
  contributors: Array<{ name: string; bytes: number }>;
}

function contributorName(input: string): string {
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@[^/]+\/[^/]+|[^/]+)/.exec(input);
  if (m) return m[1]!;
  return input.split('/').slice(0, 3).join('/');
}

/**
 * Bundles `entry` the way an app would (esbuild, ESM for browsers, minified, code splitting) and
 * measures the gzip size of what loads first. `external` packages are left out (e.g. yjs, which the
 * app already has); `ws` is always external (Node only, never loaded in a browser).
 */
export async function measureBundle(label: string, entry: string, external: string[]): Promise<BundleSize> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'easel-bundle-'));
  try {
    const all = [...new Set([...external, 'ws'])];
    const result = await build({
      entryPoints: { entry },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      treeShaking: true,
      metafile: true,
      write: true,
      outdir,
      external: all.flatMap((e) => [e, `${e}/*`]),
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    let entryBytes = 0;
    let entryGzip = 0;
    let lazyGzip = 0;
    const byName = new Map<string, number>();
    for (const [file, meta] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.js')) continue;
      const bytes = readFileSync(path.resolve(file));
      const gz = gzipSync(bytes, { level: 9 }).length;
      if (path.basename(file) === 'entry.js' || isStaticallyImportedByEntry(result.metafile.outputs, file)) {
        entryBytes += bytes.length;
        entryGzip += gz;
        for (const [input, info] of Object.entries(meta.inputs)) {
          const name = contributorName(input);
          byName.set(name, (byName.get(name) ?? 0) + info.bytesInOutput);
        }
      } else lazyGzip += gz;
    }
    const contributors = [...byName]
      .map(([name, bytes]) => ({ name, bytes }))
      .filter((c) => c.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 8);
    return { label, entryBytes, entryGzip, lazyGzip, external: all, contributors };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

type Outputs = Record<string, { imports: Array<{ path: string; kind: string }> }>;

/** A shared chunk the entry imports statically (loaded with it), not through `import()`. */
function isStaticallyImportedByEntry(outputs: Outputs, file: string): boolean {
  const seen = new Set<string>();
  // Dynamic-import targets carry `entryPoint` too: the page's entry is the output named `entry.js`.
  const stack = Object.keys(outputs).filter((f) => path.basename(f) === 'entry.js');
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const imp of outputs[f]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.path === file) return true;
      stack.push(imp.path);
    }
  }
  return false;
}

/** Gzip -9 size of a set of files (the host's first load). */
export function gzipFiles(files: string[]): { bytes: number; gzip: number } {
  let bytes = 0;
  let gzip = 0;
  for (const file of files) {
    const data = readFileSync(file);
    bytes += data.length;
    gzip += gzipSync(data, { level: 9 }).length;
  }
  return { bytes, gzip };
}
