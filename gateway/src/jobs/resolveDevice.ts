import type { Device } from '@easel/schemas';
import type { GpuProbe } from '../plugins/index.ts';

/** Where a job runs, and why when it is not where it was asked to. */
export interface DeviceChoice {
  readonly device_used: Device;
  /** True when `device_used` differs from the request. */
  readonly fallback: boolean;
  /** Says what happened and how to get the requested device (a job warning). */
  readonly warning: string | null;
}

/** A pipeline stage's plugin and the device its manifest declares. */
export interface StageDevice {
  readonly plugin: string;
  readonly device: 'cpu' | 'gpu' | 'any';
}

/**
 * Picks the device a job runs on (contract §9): a GPU request runs on the GPU only when this node
 * has one and every stage can use it (`device: gpu | any`); otherwise it falls back to the CPU with
 * a warning saying why. A CPU request runs on the CPU unless a stage needs a GPU.
 */
export function resolveDevice(requested: Device, gpu: GpuProbe, stages: readonly StageDevice[]): DeviceChoice {
  const cpuOnly = unique(stages.filter((s) => s.device === 'cpu').map((s) => s.plugin));
  const gpuOnly = unique(stages.filter((s) => s.device === 'gpu').map((s) => s.plugin));
  if (requested === 'cpu') {
    if (gpuOnly.length === 0) return { device_used: 'cpu', fallback: false, warning: null };
    return {
      device_used: 'gpu',
      fallback: true,
      warning: `device_requested cpu, but ${list(gpuOnly)} ${gpuOnly.length === 1 ? 'needs' : 'need'} a GPU: running on gpu`,
    };
  }
  if (!gpu.present) {
    return {
      device_used: 'cpu',
      fallback: true,
      warning:
        `device_requested gpu, but this gateway node has no GPU (${gpu.detail}): running on cpu; ` +
        'run the job on a node with a GPU to use one',
    };
  }
  if (cpuOnly.length > 0) {
    return {
      device_used: 'cpu',
      fallback: true,
      warning:
        `device_requested gpu, but ${list(cpuOnly)} ${cpuOnly.length === 1 ? 'runs' : 'run'} on the cpu only ` +
        '(plugin.json "device": "cpu"): running on cpu',
    };
  }
  return { device_used: 'gpu', fallback: false, warning: null };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function list(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
