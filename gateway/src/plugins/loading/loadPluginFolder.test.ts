import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonValueSchema } from '@easel/schemas';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinPluginFolders } from '../builtinPluginFolders.ts';
import { FIXTURES_DIR } from '../testing/pluginTestKit.ts';
import { detectGpu } from './detectGpu.ts';
import { listPluginFolders } from './listPluginFolders.ts';
import { loadPluginFolder } from './loadPluginFolder.ts';
import { describeSchemaErrors, toolValidators } from './toolValidators.ts';

const NO_GPU = { gpu: { present: false, detail: 'no GPU in this test' } };
const temp = mkdtempSync(join(tmpdir(), 'easel-plugins-'));

afterAll(() => rmSync(temp, { recursive: true, force: true }));

function folderWith(name: string, manifest: unknown, entry = 'export const tools = {};\n'): string {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  writeFileSync(join(dir, 'index.mjs'), entry);
  return dir;
}

const GOOD = {
  name: 'good',
  version: '1.2.3',
  description: 'ok',
  entry: 'index.mjs',
  device: 'any',
  requires: ['easel-fake-dep', 'easel-fake-esm-only', '@easel-fake/scoped'],
  tools: { run: { description: 'r', timeout_ms: 10, memory_mb: 64, idempotent: true, input: {}, output: {} } },
};

describe('[CONTRACT 9] loading plugin folders', () => {
  it('[CONTRACT 9] a valid folder loads; requires resolve from the folder (CommonJS, ESM-only, scoped)', () => {
    const dir = folderWith('good', GOOD);
    const fake = (name: string, pkg: object, file: string) => {
      mkdirSync(join(dir, 'node_modules', name), { recursive: true });
      writeFileSync(
        join(dir, 'node_modules', name, 'package.json'),
        JSON.stringify({ name, version: '1.0.0', ...pkg }),
      );
      writeFileSync(join(dir, 'node_modules', name, file), 'export default 1;\n');
    };
    expect(loadPluginFolder({ dir, origin: 'external' }, NO_GPU)).toMatchObject({
      ok: false,
      reason:
        "import: Cannot find modules 'easel-fake-dep', 'easel-fake-esm-only', '@easel-fake/scoped' (install them in " +
        `the plugin folder: cd ${dir} && npm install easel-fake-dep easel-fake-esm-only @easel-fake/scoped)`,
    });
    fake('easel-fake-dep', { main: 'index.js' }, 'index.js');
    fake('easel-fake-esm-only', { type: 'module', exports: { import: './index.mjs' } }, 'index.mjs');
    fake('@easel-fake/scoped', { main: 'index.js' }, 'index.js');
    const loaded = loadPluginFolder({ dir, origin: 'external' }, NO_GPU);
    expect(loaded.ok ? 'ok' : loaded.reason).toBe('ok');
  });

  it('[CONTRACT 9] device gpu loads when a GPU is present', () => {
    const dir = folderWith('gpu', { ...GOOD, name: 'gpu', device: 'gpu', requires: ['node:fs', 'path'] });
    expect(loadPluginFolder({ dir, origin: 'external' }, NO_GPU).ok).toBe(false);
    expect(loadPluginFolder({ dir, origin: 'external' }, { gpu: { present: true, detail: 'x' } }).ok).toBe(true);
  });

  it('[CONTRACT 9] missing plugin.json, bad JSON, missing entry and broken JSON Schemas are reasons, not throws', () => {
    const empty = join(temp, 'empty');
    mkdirSync(empty);
    expect(loadPluginFolder({ dir: empty, origin: 'external' }, NO_GPU)).toMatchObject({
      ok: false,
      name: 'empty',
      reason: expect.stringMatching(/^plugin\.json: not found in /),
    });
    expect(loadPluginFolder({ dir: folderWith('badjson', '{"name": '), origin: 'external' }, NO_GPU)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^plugin\.json: cannot read it \(/),
    });
    const noEntry = folderWith('noentry', { ...GOOD, name: 'noentry', entry: 'dist/main.mjs' });
    expect(loadPluginFolder({ dir: noEntry, origin: 'external' }, NO_GPU)).toMatchObject({
      reason: `plugin.json: entry: dist/main.mjs not found in ${noEntry}`,
    });
    const outside = folderWith('escape', { ...GOOD, name: 'escape', entry: '../good/index.mjs' });
    expect(loadPluginFolder({ dir: outside, origin: 'external' }, NO_GPU)).toMatchObject({
      reason: 'plugin.json: entry: must be a relative path inside the plugin folder',
    });
    const badSchema = folderWith('badschema', {
      ...GOOD,
      name: 'badschema',
      tools: { run: { ...GOOD.tools.run, output: { type: 'no-such-type' } } },
    });
    expect(loadPluginFolder({ dir: badSchema, origin: 'external' }, NO_GPU)).toMatchObject({
      name: 'badschema',
      reason: expect.stringMatching(/^plugin\.json: tools\.run\.output: not a valid JSON Schema \(/),
    });
  });

  it('[CONTRACT 9] property: any plugin.json content yields a loaded plugin or a reason naming plugin.json, never a throw', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string()), (junk) => {
        const dir = folderWith(`junk-${n++}`, typeof junk === 'string' ? junk : JSON.stringify(junk));
        const loaded = loadPluginFolder({ dir, origin: 'external' }, NO_GPU);
        if (!loaded.ok) expect(loaded.reason).toMatch(/^plugin\.json: /);
        expect(loaded.name.length).toBeGreaterThan(0);
        expect(loaded.name.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 60 },
    );
  });

  it('[CONTRACT 9] property: schema errors name the path and never throw', () => {
    const manifest = {
      ...GOOD,
      tools: {
        run: {
          ...GOOD.tools.run,
          input: {
            type: 'object',
            properties: { w: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { enum: ['a', 'b'] } } },
            required: ['w'],
            additionalProperties: false,
          },
        },
      },
    } as const;
    const compiled = toolValidators(manifest as never);
    if (!compiled.ok) throw new Error(compiled.error);
    const validate = compiled.value.get('run')?.input;
    if (!validate) throw new Error('no validator');
    expect(validate({ w: 1, tags: ['a', 'c'] })).toBe(false);
    expect(describeSchemaErrors('input', validate.errors)).toBe(
      'input.tags.1: must be equal to one of the allowed values ("a", "b")',
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonValueSchema.safeParse(value).success).toBe(true);
        if (validate(value)) return;
        const message = describeSchemaErrors('input', validate.errors);
        expect(message).toMatch(/^input(\.|:)/);
      }),
    );
  });

  it('[CONTRACT 9] --plugins <dir> expands to its sub-folders, or to itself when it is a plugin folder', () => {
    const listed = listPluginFolders(FIXTURES_DIR);
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    const names = listed.value.map((folder) => folder.dir.split('/').at(-1));
    expect(names).toContain('echo');
    expect(names).toEqual([...names].sort());
    expect(listed.value.every((folder) => folder.origin === 'external')).toBe(true);
    expect(listPluginFolders(join(FIXTURES_DIR, 'echo'))).toMatchObject({ ok: true, value: [{ origin: 'external' }] });
    expect(listPluginFolders(join(temp, 'nope'))).toEqual({
      ok: false,
      error: `--plugins ${join(temp, 'nope')}: no such directory`,
    });
  });

  it('[CONTRACT 9] the GPU probe is honest about this machine', () => {
    const probe = detectGpu();
    const nodes = existsSync('/dev/nvidia0') || existsSync('/dev/dri');
    if (!nodes) expect(probe).toEqual({ present: false, detail: 'no /dev/nvidia0 and no /dev/dri/renderD* device' });
    else expect(typeof probe.present).toBe('boolean');
  });

  it('[CONTRACT 9] the built-in plugin folders load like any other (origin builtin)', () => {
    const folders = builtinPluginFolders();
    expect(folders.length).toBeGreaterThanOrEqual(3);
    for (const folder of folders) {
      const loaded = loadPluginFolder(folder, NO_GPU);
      expect(loaded.origin).toBe('builtin');
      expect(loaded.ok ? 'ok' : loaded.reason).toBe('ok');
    }
  });
});
