import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What the GPU probe found. */
export interface GpuProbe {
  readonly present: boolean;
  /** What was found, or what was looked for (shown in UNAVAILABLE reasons). */
  readonly detail: string;
}

/**
 * Detects a usable GPU honestly: an NVIDIA device node (`/dev/nvidia0`) with `nvidia-smi` on PATH,
 * or a DRM render node (`/dev/dri/renderD*`). No device node means no GPU, whatever the libraries say.
 */
export function detectGpu(env: NodeJS.ProcessEnv = process.env): GpuProbe {
  const nvidiaNode = existsSync('/dev/nvidia0');
  const smi = onPath('nvidia-smi', env.PATH ?? '');
  if (nvidiaNode && smi) return { present: true, detail: '/dev/nvidia0 with nvidia-smi' };
  const render = renderNodes();
  if (render.length > 0) return { present: true, detail: `/dev/dri/${render[0]}` };
  const looked = nvidiaNode
    ? '/dev/nvidia0 exists but nvidia-smi is not on PATH (install the NVIDIA driver utilities)'
    : 'no /dev/nvidia0 and no /dev/dri/renderD* device';
  return { present: false, detail: looked };
}

function renderNodes(): string[] {
  try {
    return readdirSync('/dev/dri').filter((name) => name.startsWith('renderD'));
  } catch {
    return [];
  }
}

function onPath(command: string, path: string): boolean {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
