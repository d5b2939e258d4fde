import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../gateway/test/harness/GatewayProcess.ts';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';
import {
  PACKED_PACKAGES,
  type PackedConsumer,
  consumerManifest,
  createPackedConsumer,
  runCommand,
} from './support/packedConsumer.ts';
import { api } from './support/world.ts';

/** The scope watch-token.mjs hard-codes (the README's), all but the canvas id. */
const SCOPE = { tenant_id: 'acme', project_id: 'demo', app_id: 'web', surface_id: 'main', mode: 'edit' } as const;

type ExportsMap = Record<string, { types?: string; default?: string }>;

function repoManifest(dir: string): { version: string; exports: ExportsMap } {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8'));
}

describe('packed @easel/schemas, transport, harness and canvases in an app outside the repository (sdk/transport/README.md "Outside the repository")', () => {
  const suite = gatewayWorldPerSuite();
  let consumer: PackedConsumer | undefined;

  beforeAll(async () => {
    consumer = await createPackedConsumer(); // pnpm build:packages, pnpm pack, pnpm install of the tarballs
  });
  afterAll(() => consumer?.dispose());

  const app = (): PackedConsumer => {
    if (!consumer) throw new Error('the packed consumer was not created');
    return consumer;
  };

  it('each tarball holds built JavaScript and .d.ts under dist/ (no sources, tests or testing helpers); its exports point into it', () => {
    for (const { name, dir } of PACKED_PACKAGES) {
      const packed = app().packages.find((pkg) => pkg.name === name);
      expect(packed, name).toBeDefined();
      const files = packed!.files;
      const outside = files.filter(
        (file) => !/^(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE(\.\w+)?)$/.test(file),
      );
      expect(outside, `${name}: files outside dist/`).toEqual([]);
      // The license travels with the code (package.json says MIT).
      expect(files, `${name}: LICENSE in the tarball`).toContain('LICENSE');
      // Two files that differ only in case are one file on macOS and Windows (tsc TS1149 there).
      const byLowerCase = new Map<string, string[]>();
      for (const file of files)
        byLowerCase.set(file.toLowerCase(), [...(byLowerCase.get(file.toLowerCase()) ?? []), file]);
      expect(
        [...byLowerCase.values()].filter((same) => same.length > 1),
        `${name}: files that differ only in case`,
      ).toEqual([]);
      expect(
        files.filter((file) => file.includes('.test.')),
        `${name}: tests in the tarball`,
      ).toEqual([]);
      const installed = app().installedManifest(name) as {
        exports: ExportsMap;
        dependencies: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      // Testing helpers ship only where an entry exports them (@easel/harness/testing), not their node/ part.
      const testingEntries = Object.values(installed.exports)
        .map((target) => path.posix.dirname(target.default ?? ''))
        .filter((target) => target.includes('/testing'))
        .map((target) => target.replace(/^\.\//, ''));
      const helpers = files.filter((file) => /(^|\/)testing\//.test(file));
      expect(
        helpers.filter((file) => !testingEntries.includes(path.posix.dirname(file))),
        `${name}: testing helpers`,
      ).toEqual([]);
      const js = files.filter((file) => file.endsWith('.js'));
      expect(js.length, `${name}: JavaScript files`).toBeGreaterThan(0);
      for (const file of js)
        expect(files, `${name}: the declaration of ${file}`).toContain(file.replace(/\.js$/, '.d.ts'));

      // The same public entries as in the repository, each to a shipped file: types first, then the JavaScript.
      expect(Object.keys(installed.exports)).toEqual(Object.keys(repoManifest(dir).exports));
      for (const [entry, target] of Object.entries(installed.exports)) {
        expect(Object.keys(target), `${name} ${entry}`).toEqual(['types', 'default']);
        expect(files, `${name} ${entry} types`).toContain(target.types!.replace(/^\.\//, ''));
        expect(target.types, `${name} ${entry}`).toMatch(/^\.\/dist\/.+\.d\.ts$/);
        expect(files, `${name} ${entry} default`).toContain(target.default!.replace(/^\.\//, ''));
        expect(target.default, `${name} ${entry}`).toMatch(/^\.\/dist\/.+\.js$/);
      }
      expect(JSON.stringify(installed.dependencies), name).not.toContain('workspace:');
      // Every package the shipped JavaScript imports is a dependency (no devDependency such as vitest).
      const imported = new Set<string>();
      for (const file of js) {
        const code = readFileSync(path.join(app().dir, 'node_modules', name, file), 'utf8');
        for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"./][^'"]*)['"]/g)) {
          const specifier = m[1]!;
          if (specifier.startsWith('node:')) continue;
          const parts = specifier.split('/');
          imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
        }
      }
      // (A peer dependency — React for the harness — is the app's own: one copy of React.)
      const declared = { ...installed.dependencies, ...installed.peerDependencies };
      const undeclared = [...imported].filter((pkg) => pkg !== name && !(pkg in declared));
      expect(undeclared, `${name}: imported but not a dependency`).toEqual([]);
    }
    const transport = app().installedManifest('@easel/transport') as { dependencies: Record<string, string> };
    expect(transport.dependencies['@easel/schemas']).toBe(repoManifest('schemas').version);
    const canvases = app().installedManifest('@easel/canvases') as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    expect(canvases.dependencies['@easel/harness']).toBe(repoManifest('sdk/harness').version);
    expect(canvases.peerDependencies).toEqual(
      (app().installedManifest('@easel/harness') as { peerDependencies: Record<string, string> }).peerDependencies,
    );
  });

  it("the README's app is the one installed here: same package.json, same commands, same script", () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'sdk/transport/README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('- **Outside the repository**'),
      readme.indexOf('- **The canvas must exist**'),
    );
    const shown = /<<'JSON'\n([\s\S]*?)\n\s*JSON\n/.exec(section)?.[1];
    expect(shown, 'the package.json in the README').toBeDefined();
    const tarballs = Object.fromEntries(
      app().packages.map((pkg) => [pkg.name, `/tmp/easel-packs/${path.basename(pkg.tarball)}`]),
    );
    // The README's Node app: schemas and transport (the React harness and canvases pack the same way).
    const nodeApp = ['@easel/schemas', '@easel/transport'];
    expect(JSON.parse(shown!)).toEqual(
      consumerManifest(Object.fromEntries(Object.entries(tarballs).filter(([name]) => nodeApp.includes(name)))),
    );
    expect(section).toContain('pnpm -C "$EASEL" build:packages');
    for (const { dir } of PACKED_PACKAGES) {
      expect(section).toContain(`pnpm -C "$EASEL/${dir}" pack --pack-destination /tmp/easel-packs`);
    }
    expect(section).toContain('pnpm install --prefer-offline');
    expect(section).toContain('cp "$EASEL/e2e/src/support/consumer/watch-token.mjs" .');
    expect(section).toContain('node watch-token.mjs http://127.0.0.1:8787 "$TOKEN"');
  });

  it("plain node (no loader) imports every public entry from the app's installed copy: built JavaScript under dist/", async () => {
    const entries = PACKED_PACKAGES.flatMap(({ name, dir }) =>
      Object.keys(repoManifest(dir).exports).map((entry) => path.posix.join(name, entry)),
    );
    const load = `for (const s of ${JSON.stringify(entries)}) { const m = await import(s); console.log(import.meta.resolve(s), Object.keys(m).length); }`;
    const loaded = await runCommand(process.execPath, ['--input-type=module', '-e', load], {
      cwd: app().dir,
      timeoutMs: 20_000,
    });
    expect(loaded.code, loaded.stderr).toBe(0);
    const lines = loaded.stdout.trim().split('\n');
    expect(lines).toHaveLength(entries.length);
    for (const line of lines) {
      const [url, count] = line.split(' ');
      const file = fileURLToPath(url!);
      expect(path.relative(REPO_ROOT, file), file).toMatch(/^\.\./);
      expect(file).toMatch(/node_modules[\\/]@easel[\\/][a-z]+[\\/]dist[\\/].+\.js$/);
      expect(Number(count), file).toBeGreaterThan(0);
    }
  });

  it('[CONTRACT 5] a plain JavaScript ES module run by node (no tsx) creates a canvas, sets a token and sees it on the stream', async () => {
    const admin = await suite.gateway.token({ tenant: 'acme', sub: 'ada', roles: ['admin'] });
    const canvasId = suite.world.name('packed');
    const { code, stdout, stderr } = await app().node('watch-token.mjs', [suite.gateway.url, admin, canvasId], 60_000);
    expect(code, stderr).toBe(0);
    const printedLines = stdout.trim().split('\n');
    const printed = JSON.parse(printedLines.at(-1)!);
    expect(printedLines[0]).toBe(`plan.title is now ${JSON.stringify(printed.title)}`);
    expect(printed.title).toMatch(/^Q3 launch \(\d{4}-/);
    expect(printed.revision).toBe(1); // canvas.create is revision 0, the token.set one more
    const query = new URLSearchParams(SCOPE).toString();
    const read = await api(suite.gateway.url, 'GET', `/v1/canvases/${canvasId}?${query}`, { token: admin });
    expect(read.status, read.text).toBe(200);
    expect(read.json.tokens['plan.title']).toBe(printed.title);
    expect(read.json.cursor).toBe(printed.cursor);

    // A refused token: a coded error value from the built client, exit 1, no stack.
    const refused = await app().node('watch-token.mjs', [suite.gateway.url, 'not-a-jwt', canvasId], 60_000);
    expect(refused.code, refused.stdout).toBe(1);
    expect(refused.stderr).toContain('canvas.create failed: unauthenticated: the bearer token is not a valid JWT');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it("plain node renders every built-in canvas of the packed @easel/canvases with the app's React (react-dom/server)", async () => {
    const { code, stdout, stderr } = await app().node('render-canvases.mjs', [], 20_000);
    expect(code, stderr).toBe(0);
    const rendered = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; manifestType: string; testIds: string[]; html: string });
    expect(rendered.map((canvas) => canvas.type)).toEqual(['board', 'whiteboard', 'doc', 'run-console', 'media']);
    for (const canvas of rendered) expect(canvas.manifestType, canvas.type).toBe(canvas.type);
    const ids = Object.fromEntries(rendered.map((canvas) => [canvas.type, canvas.testIds]));
    // The board's projection of its `notes` root reaches its component: the note, in its column.
    expect(ids.board).toEqual(expect.arrayContaining(['add-note', 'column-todo', 'note-n1']));
    expect(rendered[0]!.html).toContain('Ship the packed canvases');
    expect(ids.whiteboard).toContain('add-shape');
    expect(ids.doc).toEqual(expect.arrayContaining(['add-block', 'doc-text']));
    expect(ids['run-console']).toContain('run-console');
    expect(ids.media).toContain('media-not-permitted'); // no `sidecars` prop: access denied
  });

  it('the shipped .d.ts type-check a TypeScript app (tsc --noEmit, skipLibCheck off) with moduleResolution bundler and node16', async () => {
    const [bundler, node16] = await Promise.all([
      app().typecheck('bundler', 60_000),
      app().typecheck('node16', 60_000),
    ]);
    expect({ code: bundler.code, output: bundler.stdout + bundler.stderr }).toEqual({ code: 0, output: '' });
    expect({ code: node16.code, output: node16.stdout + node16.stderr }).toEqual({ code: 0, output: '' });
  });
});
