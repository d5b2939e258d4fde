import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../../gateway/test/harness/GatewayProcess.ts';
import { CANVASES_CONSUMER_TSX } from './consumer/canvasesConsumerSource.ts';
import { HARNESS_CONSUMER_TSX } from './consumer/harnessConsumerSource.ts';
import { type CommandRun, runCommand } from './runCommand.ts';

export { runCommand };

/** The packages an app installs from tarballs, in dependency order (package directory in the repository). */
export const PACKED_PACKAGES = [
  { name: '@easel/schemas', dir: 'schemas' },
  { name: '@easel/transport', dir: 'sdk/transport' },
  { name: '@easel/harness', dir: 'sdk/harness' },
  { name: '@easel/canvases', dir: 'sdk/canvases' },
] as const;

/** The consumer files copied into the project (`e2e/src/support/consumer/`). */
const CONSUMER_FILES = path.join(REPO_ROOT, 'e2e/src/support/consumer');

/** Runs a command that must exit 0; returns its stdout, or throws with its output. */
async function mustRun(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<string> {
  const run = await runCommand(command, args, { cwd, timeoutMs });
  if (run.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}

/**
 * The app's `package.json` (as in sdk/transport/README.md): an ES module project that depends on each
 * tarball, with an override so `@easel/transport`'s dependency on `@easel/schemas` (a version no registry
 * has) resolves to its tarball as well.
 */
export function consumerManifest(tarballs: Record<string, string>, extra: Record<string, string> = {}): object {
  const files = Object.fromEntries(Object.entries(tarballs).map(([name, tarball]) => [name, `file:${tarball}`]));
  return { type: 'module', dependencies: { ...files, ...extra }, pnpm: { overrides: files } };
}

/** A dependency's version range as a package of this repository declares it. */
function declaredRange(dir: string, dependency: string): string {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8'));
  const range = manifest.dependencies?.[dependency] ?? manifest.devDependencies?.[dependency];
  if (typeof range !== 'string') throw new Error(`${dir}/package.json does not declare ${dependency}`);
  return range;
}

/** One packed package: its tarball and the files `pnpm pack` put in it. */
export interface PackedPackage {
  name: string;
  version: string;
  tarball: string;
  files: string[];
}

/** A temporary app outside the repository that installed the packed packages from their tarballs. */
export interface PackedConsumer {
  /** The app's directory (under the OS temp dir). */
  readonly dir: string;
  readonly packages: readonly PackedPackage[];
  /** Runs `node <file> ...args` in the app (plain Node, no loader). */
  node(file: string, args: readonly string[], timeoutMs: number): Promise<CommandRun>;
  /** `tsc --noEmit` (the repository's TypeScript) on `consumer.ts`, `harness.tsx` and `canvases.tsx` with this module resolution. */
  typecheck(moduleResolution: 'bundler' | 'node16', timeoutMs: number): Promise<CommandRun>;
  /** The installed `package.json` of a package (what its tarball shipped). */
  installedManifest(name: string): Record<string, unknown>;
  /** Removes the temporary directories. */
  dispose(): void;
}

/**
 * Does what sdk/transport/README.md "Outside the repository" tells an app team: `pnpm build:packages`,
 * `pnpm pack` of each package, then a project outside the repository that depends on the tarballs
 * (`file:`; the transport's `@easel/schemas` dependency overridden to its tarball, as it is not on a
 * registry) and `pnpm install --prefer-offline`; a React app adds its own `react`, `react-dom` (the peer
 * dependencies of the harness and the canvases) and `@types/react` (the harness's ranges). The consumer
 * files are copied in (`watch-token.mjs`, `render-canvases.mjs`, `consumer.ts`, `harness.tsx`, `canvases.tsx`).
 */
export async function createPackedConsumer(): Promise<PackedConsumer> {
  await mustRun('pnpm', ['-s', 'build:packages'], REPO_ROOT, 90_000);
  const packs = mkdtempSync(path.join(os.tmpdir(), 'easel-packs-'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'easel-consumer-'));
  const dispose = (): void => {
    rmSync(packs, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (!path.relative(REPO_ROOT, dir).startsWith('..')) throw new Error(`the consumer ${dir} is inside ${REPO_ROOT}`);
    const packages: PackedPackage[] = [];
    for (const pkg of PACKED_PACKAGES) {
      const json = await mustRun(
        'pnpm',
        ['pack', '--json', '--pack-destination', packs],
        path.join(REPO_ROOT, pkg.dir),
        60_000,
      );
      const packed = JSON.parse(json) as { name: string; version: string; filename: string; files: { path: string }[] };
      packages.push({
        name: packed.name,
        version: packed.version,
        tarball: packed.filename,
        files: packed.files.map((file) => file.path),
      });
    }
    const manifest = consumerManifest(Object.fromEntries(packages.map((pkg) => [pkg.name, pkg.tarball])), {
      react: declaredRange('sdk/harness', 'react'),
      'react-dom': declaredRange('sdk/harness', 'react-dom'),
      '@types/react': declaredRange('sdk/harness', '@types/react'),
    });
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    copyFileSync(path.join(CONSUMER_FILES, 'watch-token.mjs'), path.join(dir, 'watch-token.mjs'));
    copyFileSync(path.join(CONSUMER_FILES, 'render-canvases.mjs'), path.join(dir, 'render-canvases.mjs'));
    copyFileSync(path.join(CONSUMER_FILES, 'typedConsumer.ts'), path.join(dir, 'consumer.ts'));
    writeFileSync(path.join(dir, 'harness.tsx'), HARNESS_CONSUMER_TSX);
    writeFileSync(path.join(dir, 'canvases.tsx'), CANVASES_CONSUMER_TSX);
    // No lockfile yet: `--no-frozen-lockfile`, or pnpm refuses to install under CI=true.
    await mustRun(
      'pnpm',
      ['install', '--prefer-offline', '--no-frozen-lockfile', '--reporter=append-only'],
      dir,
      90_000,
    );
    return {
      dir,
      packages,
      node: (file, args, timeoutMs) => runCommand(process.execPath, [file, ...args], { cwd: dir, timeoutMs }),
      typecheck(moduleResolution, timeoutMs) {
        const config = path.join(dir, `tsconfig.${moduleResolution}.json`);
        const compilerOptions = {
          strict: true,
          noEmit: true,
          skipLibCheck: false, // unresolved imports inside the shipped .d.ts files must be errors
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: [],
          jsx: 'react-jsx',
          module: moduleResolution === 'bundler' ? 'esnext' : 'node16',
          moduleResolution,
        };
        writeFileSync(
          config,
          JSON.stringify({ compilerOptions, files: ['consumer.ts', 'harness.tsx', 'canvases.tsx'] }, null, 2),
        );
        const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
        return runCommand(process.execPath, [tsc, '-p', config], { cwd: dir, timeoutMs });
      },
      installedManifest(name) {
        return JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'));
      },
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}
