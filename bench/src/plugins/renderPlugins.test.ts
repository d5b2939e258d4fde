import { describe, expect, it } from 'vitest';
import { PLUGINS_QUICK, type PluginsResult } from './PluginsResult.ts';
import { renderPlugins } from './renderPlugins.ts';

describe('renderPlugins', () => {
  it('shows every payload with its overhead and references, and crash → ready with and without standby', () => {
    const s = (p50: number, p99: number, max: number) => ({ p50, p99, max, n: 3000 });
    const result: PluginsResult = {
      config: PLUGINS_QUICK,
      notes: ['breaker raised'],
      overhead: [
        {
          key: 'trivial',
          label: 'trivial',
          bytes: 15,
          direct: s(0.0012, 0.004, 0.2),
          sandboxed: s(0.0912, 0.254, 3.1),
          overhead: { p50: 0.09, p99: 0.25 },
          rawIpc: s(0.05, 0.2, 2),
          hostOverRawIpc: { p50: 0.0412, p99: 0.054 },
          rawFrames: s(0.04, 0.18, 2),
          hostOverRawFrames: { p50: 0.0512, p99: 0.074 },
          ownSession: s(0.12, 2.5, 9),
          rounds: [],
          failedCalls: 0,
        },
      ],
      crash: {
        crashes: 20,
        recovered: 20,
        readyMs: { p50: 181.25, p99: 402, max: 402, n: 20 },
        hostRecoveryMs: { p50: 170, p99: 390, max: 390, n: 20 },
        crashKinds: { crashed: 20 },
        standbyReady: 19,
      },
      crashWithoutStandby: {
        crashes: 20,
        recovered: 20,
        readyMs: { p50: 420, p99: 650, max: 650, n: 20 },
        hostRecoveryMs: { p50: 400, p99: 600, max: 600, n: 20 },
        crashKinds: { crashed: 20 },
      },
      failures: ['plugins 10 KB: no successful sandboxed call to measure'],
    };
    const md = renderPlugins(result);
    expect(md).toContain(
      '| trivial (15 B JSON) | 0.0012 ms / 0.0040 ms | 0.050 ms / 0.200 ms | 0.040 ms / 0.180 ms | 0.120 ms / 2.500 ms | 0.091 ms / 0.254 ms / 3.1 ms |',
    );
    expect(md).toContain('| 0.051 ms / 0.074 ms | 3000 |');
    expect(md).toContain('**0.090 ms**');
    expect(md).toContain('**0.250 ms**');
    expect(md).toContain('| crash → next call succeeds (≤ 0.6 s) | 181.3 ms | 402.0 ms | 402.0 ms | 20 |');
    expect(md).toContain('crashed × 20; recovered 20/20, 19 with a standby ready.');
    expect(md).toContain('| without standby: crash → next call succeeds | 420.0 ms | 650.0 ms | 650.0 ms | 20 |');
    expect(md).toContain('| without standby: exit → new process ready | 400.0 ms | 600.0 ms | 600.0 ms | 20 |');
    expect(md).toContain('Host settings: breaker raised.');
    expect(md).toContain('Failures: plugins 10 KB: no successful sandboxed call to measure');
  });
});
