import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Structural checks of the browser bundle of the package's main entry, built the way an app (and
// `pnpm bench browser`) builds it: esbuild, ESM for browsers, code splitting, yjs left to the app.
// Nothing is timed and no size is asserted here: the benchmark reports the sizes.

const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'index.ts');

interface Chunk {
  readonly file: string;
  readonly inputs: string[];
  /** Loaded with the page (the entry and what it imports statically), not through `import()`. */
  readonly first: boolean;
}

let outdir = '';
let chunks: Chunk[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'easel-transport-bundle-'));
  const result = await build({
    entryPoints: { entry },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    write: false,
    outdir,
    external: ['yjs', 'yjs/*'],
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const first = staticallyLoaded(outputs);
  chunks = Object.entries(outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, meta]) => ({ file, inputs: Object.keys(meta.inputs), first: first.has(file) }));
}, 60_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The entry chunk and every chunk it imports statically (transitively). */
function staticallyLoaded(outputs: Metafile['outputs']): Set<string> {
  const seen = new Set<string>();
  const stack = Object.keys(outputs).filter((file) => path.basename(file) === 'entry.js');
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of outputs[file]?.imports ?? []) if (imp.kind === 'import-statement') stack.push(imp.path);
  }
  return seen;
}

const firstLoad = () => chunks.filter((c) => c.first).flatMap((c) => c.inputs);
const lazy = () => chunks.filter((c) => !c.first).flatMap((c) => c.inputs);

describe('browser bundle of @easel/transport', () => {
  it('loads no zod with the page: frames and answers are checked by the generated guards', () => {
    expect(firstLoad().length).toBeGreaterThan(10);
    expect(firstLoad().filter((input) => /[/@]zod[@/]/.test(input))).toEqual([]);
    expect(firstLoad().some((input) => input.endsWith('schemas/src/guards/generated/guards.ts'))).toBe(true);
  });

  it("keeps full zod validation (validate: 'full') and the answer guards in chunks loaded on demand", () => {
    expect(lazy().some((input) => /[/@]zod[@/]/.test(input))).toBe(true);
    expect(lazy().some((input) => input.endsWith('schemas/src/guards/generated/answers.ts'))).toBe(true);
    expect(firstLoad().some((input) => input.endsWith('schemas/src/guards/generated/answers.ts'))).toBe(false);
  });

  it('leaves EaselAgent and SidecarClient to their own entries (@easel/transport/agent, /sidecars)', () => {
    const all = [...firstLoad(), ...lazy()];
    const separate = [
      'agents/EaselAgent.ts',
      'agents/agentCalls.ts',
      'sidecars/SidecarClient.ts',
      'sidecars/sidecarCalls.ts',
    ];
    expect(all.filter((input) => separate.some((part) => input.includes(part)))).toEqual([]);
  });

  it('loads the presence provider, plugins, jobs and runs code only when used', () => {
    for (const part of [
      '@hocuspocus/provider',
      'presence/presenceRun.ts',
      'plugins/pluginCalls.ts',
      'lib/restCalls.ts',
    ]) {
      expect(
        firstLoad().filter((input) => input.includes(part)),
        part,
      ).toEqual([]);
      expect(
        lazy().some((input) => input.includes(part)),
        part,
      ).toBe(true);
    }
  });

  it('carries nothing Node-only: no node: builtins, only the browser stub of ws', () => {
    const all = [...firstLoad(), ...lazy()];
    expect(all.filter((input) => input.startsWith('node:'))).toEqual([]);
    expect(all.filter((input) => /\/ws\//.test(input) && !input.endsWith('/ws/browser.js'))).toEqual([]);
    expect(firstLoad().filter((input) => /\/ws\//.test(input))).toEqual([]);
  });
});
