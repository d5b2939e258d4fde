import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { pluginManifestSchema, tokenDefault } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CANVAS_TYPES } from '../../core/canvasTypes/builtinCanvasTypes.ts';
import { builtinPluginFolders } from '../builtinPluginFolders.ts';
import { BUILTIN_PLUGIN_NAMES, BUILTIN_PLUGINS_DIR, BUILTIN_SHARED_FOLDER } from './builtinPluginsDir.ts';
import {
  ajv2020,
  ajvDraft7,
  imageFrame,
  loadEntry,
  pluginDir,
  pngBase64,
  readManifest,
  recordingContext,
} from './builtinTestKit.ts';

const folders = readdirSync(BUILTIN_PLUGINS_DIR).filter((f) => statSync(join(BUILTIN_PLUGINS_DIR, f)).isDirectory());

/** Bare specifiers of every static or dynamic import in a module's source. */
function importedPackages(source: string): string[] {
  const specs = [...source.matchAll(/\bimport\s*(?:[^'"()]*?\bfrom\s*)?\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

describe('built-in plugin manifests', () => {
  it('[CONTRACT 9] every sub-folder of the built-in folder but shared/ is a listed built-in plugin', () => {
    expect(folders.sort()).toEqual([...BUILTIN_PLUGIN_NAMES, BUILTIN_SHARED_FOLDER].sort());
  });

  it('[CONTRACT 9] builtinPluginFolders() lists exactly the named built-ins, never shared/', () => {
    expect(builtinPluginFolders()).toEqual(
      [...BUILTIN_PLUGIN_NAMES].sort().map((name) => ({ dir: join(BUILTIN_PLUGINS_DIR, name), origin: 'builtin' })),
    );
    expect(existsSync(join(BUILTIN_PLUGINS_DIR, BUILTIN_SHARED_FOLDER, 'plugin.json'))).toBe(false);
  });

  it.each(BUILTIN_PLUGIN_NAMES)('[CONTRACT 9] %s: plugin.json passes pluginManifestSchema', (name) => {
    const parsed = pluginManifestSchema.safeParse(readManifest(name));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    if (!parsed.success) return;
    expect(parsed.data.name).toBe(name);
    expect(parsed.data.entry).toMatch(/\.mjs$/);
    for (const tool of Object.values(parsed.data.tools)) {
      expect(tool.idempotent).toBe(true);
      expect(tool.timeout_ms).toBeLessThanOrEqual(60_000);
      expect(tool.memory_mb).toBeLessThanOrEqual(1024);
    }
  });

  it.each(BUILTIN_PLUGIN_NAMES)('[CONTRACT 9] %s: the entry exports exactly the declared tools', async (name) => {
    const entry = await loadEntry(name);
    expect(Object.keys(entry.tools).sort()).toEqual(Object.keys(readManifest(name).tools).sort());
    for (const fn of Object.values(entry.tools)) expect(typeof fn).toBe('function');
    expect(entry.init === undefined || typeof entry.init === 'function').toBe(true);
  });

  it.each(BUILTIN_PLUGIN_NAMES)(
    '[CONTRACT 9] %s: input and output schemas compile strictly under draft 2020-12 and draft-07',
    (name) => {
      for (const [tool, spec] of Object.entries(readManifest(name).tools)) {
        for (const ajv of [ajv2020(), ajvDraft7()]) {
          for (const schema of [spec.input, spec.output]) {
            expect(() => ajv.compile(schema), `${name}.${tool}`).not.toThrow();
          }
        }
        // Every input is a frame-stage envelope that refuses unknown fields.
        const validate = ajv2020().compile(spec.input);
        expect(
          validate({ frame: { kind: 'canvas', canvas_type: 'board', state: {}, tokens: {} }, index: 0, x: 1 }),
        ).toBe(false);
        expect(validate({ index: 0 })).toBe(false);
      }
    },
  );

  it.each(BUILTIN_PLUGIN_NAMES)(
    '[CONTRACT 9] %s: every package its modules import is declared in requires and resolves from its folder',
    (name) => {
      const dir = pluginDir(name);
      const requires = (readManifest(name).requires as string[] | undefined) ?? [];
      const imported = new Set<string>();
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs'))) {
        for (const spec of importedPackages(readFileSync(join(dir, file), 'utf8'))) imported.add(spec);
      }
      const packages = [...imported].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s));
      expect(packages.sort()).toEqual([...requires].sort());
      const require = createRequire(join(dir, 'plugin.json'));
      for (const pkg of requires) expect(() => require.resolve(pkg), pkg).not.toThrow();
    },
  );

  it('[CONTRACT 9] the entries load in plain Node (no TypeScript loader) and list their tools', () => {
    const script = `
      const names = ${JSON.stringify(BUILTIN_PLUGIN_NAMES)};
      const out = {};
      for (const name of names) {
        const m = await import(new URL(name + '/index.mjs', ${JSON.stringify(`file://${BUILTIN_PLUGINS_DIR}/`)}));
        out[name] = Object.keys(m.tools).sort();
      }
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: BUILTIN_PLUGINS_DIR,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const listed = JSON.parse(stdout) as Record<string, string[]>;
    for (const name of BUILTIN_PLUGIN_NAMES) expect(listed[name]).toEqual(Object.keys(readManifest(name).tools).sort());
  });

  it('[CONTRACT 9] every tool takes the same frame envelope, and its schema states the limits its entry enforces', async () => {
    const at = (value: unknown, ...path: string[]): unknown =>
      path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
    const input = (name: string, tool: string) => readManifest(name).tools[tool]!.input;
    const stats = input('canvas-stats', 'stats');
    const thumb = input('whiteboard-thumbnail', 'render');
    const analysis = input('frame-analysis', 'analyze');
    expect(at(thumb, '$defs')).toEqual(at(stats, '$defs'));
    expect(at(analysis, '$defs')).toEqual(at(stats, '$defs'));
    for (const schema of [thumb, analysis]) {
      expect(Object.keys(at(schema, 'properties') as object)).toEqual(Object.keys(at(stats, 'properties') as object));
    }
    const limits = async (name: string) =>
      ((await loadEntry(name)) as unknown as { LIMITS: Record<string, number> }).LIMITS;
    const frameProps = (schema: object, def: string) => at(schema, '$defs', def, 'properties');
    const statsLimits = await limits('canvas-stats');
    expect(at(frameProps(stats, 'canvas_frame'), 'state', 'maxProperties')).toBe(statsLimits.roots);
    expect(at(frameProps(stats, 'canvas_frame'), 'tokens', 'maxProperties')).toBe(statsLimits.tokens);
    const thumbLimits = await limits('whiteboard-thumbnail');
    const thumbParams = at(thumb, 'properties', 'params', 'properties');
    expect(at(thumbParams, 'width')).toMatchObject({ minimum: thumbLimits.minSide, maximum: thumbLimits.maxSide });
    expect(at(thumbParams, 'height')).toMatchObject({ minimum: thumbLimits.minSide, maximum: thumbLimits.maxSide });
    expect(at(thumbParams, 'padding', 'maximum')).toBe(thumbLimits.maxPadding);
    const analysisLimits = await limits('frame-analysis');
    expect(at(frameProps(analysis, 'image_frame'), 'data_base64', 'maxLength')).toBe(analysisLimits.base64Chars);
  });

  it('[CONTRACT 9] every tool stops with an error when ctx.signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const canvas = {
      kind: 'canvas',
      canvas_type: 'whiteboard',
      state: { shapes: { a: { kind: 'rect', x: 0, y: 0, w: 5, h: 5 } }, layers: [] },
      tokens: {},
    };
    const image = imageFrame(pngBase64(4, 4, () => [1, 2, 3]));
    const calls: [string, string, unknown][] = [
      ['canvas-stats', 'stats', { frame: canvas, index: 0 }],
      ['whiteboard-thumbnail', 'render', { frame: canvas, index: 0 }],
      ['frame-analysis', 'analyze', { frame: image, index: 0 }],
    ];
    for (const [name, tool, input] of calls) {
      const entry = await loadEntry(name);
      await expect(entry.tools[tool]!(input, recordingContext(controller.signal)), name).rejects.toThrow(/aborted/);
      await expect(entry.tools[tool]!(input, recordingContext()), name).resolves.toBeTypeOf('object');
    }
  });

  it('[CONTRACT 9] canvas-stats and whiteboard-thumbnail read shapes through the one shared module', () => {
    for (const name of ['canvas-stats', 'whiteboard-thumbnail']) {
      expect(existsSync(join(pluginDir(name), 'whiteboardShapes.mjs')), name).toBe(false);
      const sources = readdirSync(pluginDir(name))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => readFileSync(join(pluginDir(name), f), 'utf8'));
      expect(
        sources.some((s) => s.includes("from '../shared/whiteboardShapes.mjs'")),
        name,
      ).toBe(true);
    }
  });

  it("[CONTRACT 9] canvas-stats' token defaults equal the built-in canvas types' declarations", async () => {
    const { BUILTIN_TOKEN_DEFAULTS } = (await import(join(pluginDir('canvas-stats'), 'tokenStats.mjs'))) as {
      BUILTIN_TOKEN_DEFAULTS: Record<string, Record<string, unknown>>;
    };
    const declared = Object.fromEntries(
      BUILTIN_CANVAS_TYPES.map((t) => [
        t.type,
        Object.fromEntries(Object.entries(t.tokens).map(([id, decl]) => [id, tokenDefault(decl)])),
      ]),
    );
    expect(JSON.parse(JSON.stringify(BUILTIN_TOKEN_DEFAULTS))).toEqual(declared);
  });
});
