import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtinCanvases, HOST_REGISTERED_CANVAS_TYPES } from '@easel/canvases';
import type { CanvasTypeManifest } from '@easel/schemas';
import { buildFlowCatalog } from '../flows/flowCatalog.ts';

/** The file the host build writes next to `index.html`; `easel dev` reads it at start. */
export const DEV_BOOTSTRAP_FILE = 'easel-dev.json';

/** What `easel dev` sets up, server side with its own admin principal, before any page loads. */
export interface DevBootstrap {
  version: 1;
  projects: Array<{
    project_id: string;
    /** Manifests of the cartridges the gateway does not build in (`HOST_REGISTERED_CANVAS_TYPES`). */
    canvas_types: CanvasTypeManifest[];
    /** The bundled flows' canvases in this project (`canvas.create` when missing). */
    canvases: Array<{ canvas_id: string; canvas_type: string; title?: string }>;
  }>;
}

/**
 * The dev bootstrap for the flows in `<hostDir>/flows`: per project the flows use, the host-registered
 * canvas types and the flows' canvases. Invalid flow files are skipped (the app shows them).
 */
export function devBootstrap(hostDir: string): DevBootstrap {
  const dir = path.join(hostDir, 'flows');
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      files[`flows/${name}`] = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
    } catch {
      files[`flows/${name}`] = null;
    }
  }
  const types = HOST_REGISTERED_CANVAS_TYPES.flatMap((t) => {
    const cartridge = builtinCanvases[t];
    return cartridge ? [cartridge.manifest] : [];
  });
  const projects = new Map<string, DevBootstrap['projects'][number]>();
  for (const flow of buildFlowCatalog(files).flows.values()) {
    let project = projects.get(flow.project_id);
    if (!project) {
      project = { project_id: flow.project_id, canvas_types: types, canvases: [] };
      projects.set(flow.project_id, project);
    }
    for (const c of flow.canvases) {
      if (project.canvases.some((x) => x.canvas_id === c.canvas_id)) continue;
      project.canvases.push({
        canvas_id: c.canvas_id,
        canvas_type: c.canvas_type,
        ...(c.title ? { title: c.title } : {}),
      });
    }
  }
  return { version: 1, projects: [...projects.values()] };
}

/** Writes {@link devBootstrap} to `<outDir>/easel-dev.json`; returns the path. */
export function writeDevBootstrap(hostDir: string, outDir: string): string {
  const file = path.join(outDir, DEV_BOOTSTRAP_FILE);
  writeFileSync(file, `${JSON.stringify(devBootstrap(hostDir), null, 2)}\n`);
  return file;
}
