import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canvasTypeManifestSchema } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_BOOTSTRAP_FILE, devBootstrap, writeDevBootstrap } from './devBootstrap.ts';

const HOST_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the dev bootstrap the host build writes for easel dev', () => {
  it('[CONTRACT 5] lists valid manifests of the host-registered types and every bundled flow canvas', () => {
    const boot = devBootstrap(HOST_DIR);
    expect(boot.version).toBe(1);
    const demo = boot.projects.find((p) => p.project_id === 'demo');
    expect(demo).toBeDefined();
    expect(demo!.canvas_types.map((m) => m.type)).toEqual(['doc', 'run-console', 'media']);
    for (const m of demo!.canvas_types) expect(canvasTypeManifestSchema.safeParse(m).success).toBe(true);
    const ids = demo!.canvases.map((c) => c.canvas_id);
    expect(ids).toContain('demo-board');
    expect(ids).toContain('split-doc');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('[CONTRACT 5] writes the same content as JSON beside the build', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'easel-devboot-'));
    dirs.push(out);
    const file = writeDevBootstrap(HOST_DIR, out);
    expect(path.basename(file)).toBe(DEV_BOOTSTRAP_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(devBootstrap(HOST_DIR))));
  });
});
