import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '../core/auth/Principal.ts';
import type { GatewayCore } from '../core/GatewayCore.ts';
import { DEV_BOOTSTRAP_FILE } from './ensureHostBuilt.ts';
import { isNewerVersion } from './isNewerVersion.ts';

/** The scope the host app's canvases live in (its `HOST_SCOPE`, minus the project). */
const HOST_SURFACE = { app_id: 'host', surface_id: 'main', mode: 'edit' } as const;
/** Bounds on what one bootstrap file may ask for. */
const MAX_PROJECTS = 20;
const MAX_ITEMS = 50;

/** What {@link installDevBootstrap} did (the banner and tests read it). */
export interface DevBootstrapReport {
  registered: string[];
  created: string[];
  problems: string[];
}

/**
 * `easel dev` only: sets up what the host build listed in `<distDir>/easel-dev.json` (written by the
 * host's `buildHost`), server side with the dev admin principal, so a page never needs a token
 * with more rights than its actor: registers each host-registered canvas type a project lacks, or
 * holds at an older `version` than the host's (so a project picks up a cartridge's new manifest,
 * e.g. doc 1.1.0's `text_fields`; `registered` then reads `<project>/<type> <old> -> <new>`); a
 * project's own registration at the same or a newer version wins. Canvases created before keep
 * the manifest they were created with. Creates each bundled flow canvas that does not exist.
 * Problems are reported, never thrown.
 */
export async function installDevBootstrap(
  core: Pick<GatewayCore, 'getCanvasType' | 'putCanvasType' | 'submit' | 'canvasExistsWithoutLoading'>,
  admin: Principal,
  distDir: string,
): Promise<DevBootstrapReport> {
  const report: DevBootstrapReport = { registered: [], created: [], problems: [] };
  const file = path.join(distDir, DEV_BOOTSTRAP_FILE);
  if (!existsSync(file)) {
    report.problems.push(`${DEV_BOOTSTRAP_FILE} is missing from ${distDir} (rebuild the host app)`);
    return report;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    report.problems.push(`${DEV_BOOTSTRAP_FILE}: ${err instanceof Error ? err.message : String(err)}`);
    return report;
  }
  const projects = (parsed as { projects?: unknown }).projects;
  if (!Array.isArray(projects)) {
    report.problems.push(`${DEV_BOOTSTRAP_FILE}: no projects array`);
    return report;
  }
  for (const entry of projects.slice(0, MAX_PROJECTS) as Array<Record<string, unknown>>) {
    const projectId = entry?.project_id;
    if (typeof projectId !== 'string') continue;
    const types = Array.isArray(entry.canvas_types) ? entry.canvas_types.slice(0, MAX_ITEMS) : [];
    for (const manifest of types as Array<{ type?: unknown }>) {
      if (typeof manifest?.type !== 'string') continue;
      const known = await core.getCanvasType(admin, projectId, manifest.type);
      const bundled = (manifest as { version?: unknown }).version;
      const upgrade = known.ok && typeof bundled === 'string' && isNewerVersion(bundled, known.value.version);
      if (known.ok && !upgrade) continue;
      const put = await core.putCanvasType(admin, projectId, manifest.type, manifest);
      const change = known.ok ? ` ${known.value.version} -> ${String(bundled)}` : '';
      if (put.ok) report.registered.push(`${projectId}/${manifest.type}${change}`);
      else report.problems.push(`registering ${projectId}/${manifest.type}: ${put.error.message}`);
    }
    const canvases = Array.isArray(entry.canvases) ? entry.canvases.slice(0, MAX_ITEMS) : [];
    for (const canvas of canvases as Array<{ canvas_id?: unknown; canvas_type?: unknown; title?: unknown }>) {
      if (typeof canvas?.canvas_id !== 'string' || typeof canvas.canvas_type !== 'string') continue;
      const scope = { tenant_id: admin.tenantId, project_id: projectId, ...HOST_SURFACE, canvas_id: canvas.canvas_id };
      if (await core.canvasExistsWithoutLoading(scope)) continue;
      const sent = await core.submit(admin, {
        // The id the host uses too, so a page racing this reads `duplicate`, not a conflict.
        command_id: `create.${canvas.canvas_id.toLowerCase()}`.slice(0, 64),
        type: 'canvas.create',
        scope,
        payload: {
          canvas_type: canvas.canvas_type,
          ...(typeof canvas.title === 'string' ? { title: canvas.title } : {}),
        },
      });
      if (sent.ok) report.created.push(`${projectId}/${canvas.canvas_id}`);
      else if (sent.error.code !== 'conflict') {
        report.problems.push(`creating ${projectId}/${canvas.canvas_id}: ${sent.error.message}`);
      }
    }
  }
  return report;
}
