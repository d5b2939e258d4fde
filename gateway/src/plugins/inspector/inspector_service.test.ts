import { pluginInspectorSchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InspectorService } from './inspector_service.ts';
import { OPERATOR_VIEW } from './RecentLog.ts';
import { TimingReservoir } from './TimingReservoir.ts';

describe('[CONTRACT 9] inspector', () => {
  it('[CONTRACT 9] nearest-rank percentiles over the samples', () => {
    const reservoir = new TimingReservoir(1000);
    for (let ms = 1; ms <= 100; ms++) reservoir.add(ms);
    expect(reservoir.percentiles()).toEqual({ count: 100, p50: 50, p95: 95, p99: 99 });
    expect(new TimingReservoir().percentiles()).toBeNull();
  });

  it('[CONTRACT 9] property: the reservoir stays bounded and p50 ≤ p95 ≤ p99 within the sample range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        (samples) => {
          const reservoir = new TimingReservoir(64);
          for (const ms of samples) reservoir.add(ms);
          const p = reservoir.percentiles();
          expect(p?.count).toBe(samples.length);
          expect(p?.p50).toBeLessThanOrEqual(p?.p95 ?? -1);
          expect(p?.p95).toBeLessThanOrEqual(p?.p99 ?? -1);
          expect(p?.p99).toBeLessThanOrEqual(Math.max(...samples) + 0.001);
          expect(p?.p50).toBeGreaterThanOrEqual(Math.min(...samples) - 0.001);
        },
      ),
    );
  });

  it('[CONTRACT 9] keeps the last 50 warnings and errors with ISO times and tools, and fits the wire schema', () => {
    let now = Date.parse('2025-01-02T03:04:05.000Z');
    const inspector = new InspectorService({}, () => now);
    for (let i = 0; i < 120; i++) {
      inspector.recordWarning(`warning ${i}`, 'render', { tenantId: 'acme', projectId: 'p' });
      inspector.recordError(`threw: error ${i}`, i % 2 ? 'render' : undefined, 'host');
      inspector.recordTiming('render', i);
      now += 1000;
    }
    inspector.recordError('x'.repeat(5000), 'render', 'unattributed');
    const view = inspector.view(
      { name: 'p', state: 'RUNNING', success_count: 1, error_count: 2 },
      {
        name: 'p',
        version: '1.0.0',
        description: 'd',
        entry: 'index.mjs',
        device: 'cpu',
        tools: {
          render: { description: 'r', timeout_ms: 10, memory_mb: 64, idempotent: true, input: {}, output: {} },
          idle: { description: 'i', timeout_ms: 10, memory_mb: 64, idempotent: false, input: {}, output: {} },
        },
      },
      OPERATOR_VIEW,
    );
    expect(pluginInspectorSchema.parse(view)).toBeTruthy();
    expect(view.recent_warnings).toHaveLength(50);
    expect(view.recent_warnings[0]).toEqual({ at: '2025-01-02T03:05:15.000Z', tool: 'render', message: 'warning 70' });
    expect(view.recent_errors).toHaveLength(50);
    expect(view.recent_errors.at(-1)?.message.length).toBe(2000);
    expect(view.tools.render?.timings_ms).toMatchObject({ count: 120, p50: 59 });
    expect(view.tools.idle?.timings_ms).toBeUndefined();
    expect(view.device).toBe('cpu');
  });

  it('[CONTRACT 1] a tenant sees the host entries and its own calls (of the projects it is given), never another tenant', () => {
    const inspector = new InspectorService({ recent: 5 });
    inspector.recordError('init: weights missing', undefined, 'host');
    inspector.recordError('threw: acme secret', 'render', { tenantId: 'acme', projectId: 'p1' });
    inspector.recordError('threw: acme p2 secret', 'render', { tenantId: 'acme', projectId: 'p2' });
    inspector.recordWarning('acme warning', 'render', { tenantId: 'acme' });
    inspector.recordError('threw: evil secret', 'render', { tenantId: 'evil', projectId: 'p1' });
    inspector.recordError('threw: no tenant', 'render', 'unattributed');
    const health = { name: 'p', state: 'RUNNING', success_count: 0, error_count: 4 } as const;
    const messages = (viewer: Parameters<InspectorService['view']>[2]) => {
      const view = inspector.view(health, null, viewer);
      return [...view.recent_errors, ...view.recent_warnings].map((e) => e.message);
    };
    expect(messages({ tenantId: 'acme' })).toEqual([
      'init: weights missing',
      'threw: acme secret',
      'threw: acme p2 secret',
      'acme warning',
    ]);
    expect(messages({ tenantId: 'acme', projects: new Set(['p2']) })).toEqual([
      'init: weights missing',
      'threw: acme p2 secret',
      'acme warning',
    ]);
    expect(messages({ tenantId: 'evil' })).toEqual(['init: weights missing', 'threw: evil secret']);
    expect(messages({ tenantId: 'other' })).toEqual(['init: weights missing']);
    expect(messages(OPERATOR_VIEW)).toHaveLength(6);
    expect(inspector.projectsOf('acme').sort()).toEqual(['p1', 'p2']);
    expect(inspector.projectsOf('other')).toEqual([]);
  });

  it('[CONTRACT 9] property: memory stays bounded over every tenant; a view shows at most `recent` entries, its own only', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 400 }), (tenants) => {
        const inspector = new InspectorService({ recent: 7, recentKept: 20 });
        tenants.forEach((t, i) => {
          inspector.recordError(`t${t} #${i}`, 'x', { tenantId: `t${t}` });
        });
        const health = { name: 'p', state: 'RUNNING', success_count: 0, error_count: 0 } as const;
        expect(inspector.view(health, null, OPERATOR_VIEW).recent_errors.length).toBe(Math.min(7, tenants.length));
        for (let t = 0; t <= 30; t++) {
          const seen = inspector.view(health, null, { tenantId: `t${t}` }).recent_errors;
          expect(seen.length).toBeLessThanOrEqual(7);
          for (const entry of seen) expect(entry.message.startsWith(`t${t} #`)).toBe(true);
          expect(inspector.projectsOf(`t${t}`)).toEqual([]);
        }
      }),
    );
  });
});
