import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { ADMIN, harnessPerTest, PLANNER } from '../core/testing/coreHarness.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { installDevBootstrap } from './installDevBootstrap.ts';

const h = harnessPerTest((file) => ({ spine: mustOpen({ path: file, durability: 'normal' }), bus: new MemoryBus() }));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOTEBOOK = { type: 'notebook', version: '1.0.0', title: 'Notebook', roots: { blocks: 'array' } };

function distWith(content: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'easel-devboot-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'easel-dev.json'), JSON.stringify(content));
  return dir;
}

describe('easel dev sets up the host build’s types and canvases server side', () => {
  it('[CONTRACT 5] registers missing types and creates missing canvases once; a second start changes nothing', async () => {
    const dist = distWith({
      version: 1,
      projects: [
        {
          project_id: 'p1',
          canvas_types: [NOTEBOOK],
          canvases: [
            { canvas_id: 'n1', canvas_type: 'notebook', title: 'N' },
            { canvas_id: 'b1', canvas_type: 'board', title: 'B' },
          ],
        },
      ],
    });
    const first = await installDevBootstrap(h.core, ADMIN, dist);
    expect(first).toEqual({ registered: ['p1/notebook'], created: ['p1/n1', 'p1/b1'], problems: [] });
    const second = await installDevBootstrap(h.core, ADMIN, dist);
    expect(second).toEqual({ registered: [], created: [], problems: [] });
    // A planner (who could not create them) reads them now.
    const scope = { tenant_id: 'acme', project_id: 'p1', app_id: 'host', surface_id: 'main', mode: 'edit' as const };
    expect((await h.core.readCanvas(PLANNER, { ...scope, canvas_id: 'n1' })).ok).toBe(true);
  });

  it('[CONTRACT 3] a missing or broken file is a reported problem, never a throw', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'easel-devboot-'));
    dirs.push(empty);
    expect((await installDevBootstrap(h.core, ADMIN, empty)).problems[0]).toContain('missing');
    const bad = distWith({ projects: [{ project_id: 'p1', canvas_types: [{ type: 'x', roots: 5 }], canvases: [] }] });
    const report = await installDevBootstrap(h.core, ADMIN, bad);
    expect(report.registered).toEqual([]);
    expect(report.problems).toHaveLength(1);
  });

  it('[CONTRACT 5] a newer bundled version of a type re-registers it (doc 1.1.0 text_fields); same or older does not', async () => {
    const first = await installDevBootstrap(
      h.core,
      ADMIN,
      distWith({ version: 1, projects: [{ project_id: 'p1', canvas_types: [NOTEBOOK], canvases: [] }] }),
    );
    expect(first.registered).toEqual(['p1/notebook']);
    const v11 = { ...NOTEBOOK, version: '1.1.0', text_fields: { blocks: ['text'] } };
    const dist11 = distWith({ version: 1, projects: [{ project_id: 'p1', canvas_types: [v11], canvases: [] }] });
    const upgraded = await installDevBootstrap(h.core, ADMIN, dist11);
    expect(upgraded).toEqual({ registered: ['p1/notebook 1.0.0 -> 1.1.0'], created: [], problems: [] });
    const stored = await h.core.getCanvasType(ADMIN, 'p1', 'notebook');
    expect(stored.ok && stored.value).toMatchObject({ version: '1.1.0', text_fields: { blocks: ['text'] } });
    // Again, or an older bundle: nothing changes.
    expect((await installDevBootstrap(h.core, ADMIN, dist11)).registered).toEqual([]);
    const older = distWith({ version: 1, projects: [{ project_id: 'p1', canvas_types: [NOTEBOOK], canvases: [] }] });
    expect((await installDevBootstrap(h.core, ADMIN, older)).registered).toEqual([]);
    // A project's own newer registration wins.
    expect((await h.core.putCanvasType(ADMIN, 'p1', 'notebook', { ...NOTEBOOK, version: '2.0.0' })).ok).toBe(true);
    expect((await installDevBootstrap(h.core, ADMIN, dist11)).registered).toEqual([]);
    const kept = await h.core.getCanvasType(ADMIN, 'p1', 'notebook');
    expect(kept.ok && kept.value.version).toBe('2.0.0');
  });
});
