import { describe, expect, it } from 'vitest';
import { resolveDevice } from './resolveDevice.ts';

const NO_GPU = { present: false, detail: 'no /dev/nvidia0 and no /dev/dri/renderD* device' };
const GPU = { present: true, detail: '/dev/nvidia0 with nvidia-smi' };

describe('resolveDevice', () => {
  it('[CONTRACT 9] gpu requested on a node without a GPU: cpu, fallback, a warning saying why', () => {
    const choice = resolveDevice('gpu', NO_GPU, [{ plugin: 'frame-analysis', device: 'any' }]);
    expect(choice).toMatchObject({ device_used: 'cpu', fallback: true });
    expect(choice.warning).toContain('no GPU (no /dev/nvidia0');
  });

  it('[CONTRACT 9] gpu requested with a GPU: gpu when every stage can use it, else cpu naming the cpu-only stage', () => {
    expect(
      resolveDevice('gpu', GPU, [
        { plugin: 'a', device: 'any' },
        { plugin: 'b', device: 'gpu' },
      ]),
    ).toEqual({
      device_used: 'gpu',
      fallback: false,
      warning: null,
    });
    const mixed = resolveDevice('gpu', GPU, [{ plugin: 'canvas-stats', device: 'cpu' }]);
    expect(mixed).toMatchObject({ device_used: 'cpu', fallback: true });
    expect(mixed.warning).toContain('"canvas-stats" runs on the cpu only');
  });

  it('[CONTRACT 9] cpu requested: cpu, unless a stage needs a GPU', () => {
    expect(resolveDevice('cpu', NO_GPU, [{ plugin: 'a', device: 'cpu' }])).toEqual({
      device_used: 'cpu',
      fallback: false,
      warning: null,
    });
    expect(resolveDevice('cpu', GPU, [{ plugin: 'g', device: 'gpu' }])).toMatchObject({
      device_used: 'gpu',
      fallback: true,
    });
  });
});
