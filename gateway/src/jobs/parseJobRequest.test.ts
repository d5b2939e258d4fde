import { ERROR_CODES } from '@easel/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../core/auth/Principal.ts';
import { builtinPluginFolders, openPluginHost, type SandboxPluginHost } from '../plugins/index.ts';
import { fixtureFolders } from '../plugins/testing/pluginTestKit.ts';
import { parseJobRequest } from './parseJobRequest.ts';

const EDITOR: Principal = { actorId: 'eve', tenantId: 'acme', kind: 'agent', roles: ['editor'] };
const SCOPE = { tenant_id: 'acme', project_id: 'p1', app_id: 'app', surface_id: 'main', mode: 'edit' };
const PNG = { kind: 'image', mime: 'image/png', data_base64: 'iVBORw0KGgo=' };

let host: SandboxPluginHost;
beforeAll(async () => {
  host = await openPluginHost({ folders: [...builtinPluginFolders(), ...fixtureFolders('echo', 'gpu-only')] });
});
afterAll(async () => {
  await host?.close();
});

function parse(body: unknown) {
  return parseJobRequest(EDITOR, body, host);
}

function request(extra: Record<string, unknown> = {}) {
  return { scope: SCOPE, pipeline: ['frame-analysis'], device_requested: 'cpu', input: { frames: [PNG] }, ...extra };
}

describe('parseJobRequest', () => {
  it('[CONTRACT 9] resolves "plugin" to its only tool and "plugin.tool" as written, with params per stage', () => {
    const plan = parse(
      request({
        pipeline: ['whiteboard-thumbnail', 'frame-analysis.analyze'],
        fps: 12,
        input: { canvas_id: 'wb', canvas_frames: 3, frames: [PNG], params: { 'whiteboard-thumbnail': { width: 64 } } },
      }),
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.stages).toEqual([
      {
        stage: 'whiteboard-thumbnail',
        plugin: 'whiteboard-thumbnail',
        tool: 'render',
        device: 'cpu',
        params: { width: 64 },
      },
      { stage: 'frame-analysis.analyze', plugin: 'frame-analysis', tool: 'analyze', device: 'cpu' },
    ]);
    expect(plan.value).toMatchObject({ fps: 12, canvas: { canvasId: 'wb', count: 3 }, deviceRequested: 'cpu' });
    expect(plan.value.frames).toHaveLength(1);
  });

  it('[CONTRACT 9] without frames the scope canvas is the input; with frames only they are', () => {
    const onCanvas = parse(request({ scope: { ...SCOPE, canvas_id: 'c1' }, input: {} }));
    expect(onCanvas.ok && onCanvas.value.canvas).toEqual({ canvasId: 'c1', count: 1 });
    const framesOnly = parse(request({ scope: { ...SCOPE, canvas_id: 'c1' } }));
    expect(framesOnly.ok && framesOnly.value.canvas).toBeNull();
  });

  const refusals: Array<[string, unknown, string, RegExp]> = [
    ['not an object', [1], 'validation_failed', /^\(body\): must be a JSON object/],
    ['no scope', { pipeline: ['echo'] }, 'validation_failed', /^scope: required/],
    [
      'another tenant',
      request({ scope: { ...SCOPE, tenant_id: 'evil' } }),
      'tenant_mismatch',
      /not the token's tenant/,
    ],
    ['empty pipeline', request({ pipeline: [] }), 'validation_failed', /^pipeline: /],
    ['bad device', request({ device_requested: 'tpu' }), 'validation_failed', /^device_requested: must be cpu or gpu/],
    ['fps 0', request({ fps: 0 }), 'validation_failed', /^fps: /],
    [
      'unknown plugin',
      request({ pipeline: ['frame-analysis', 'nope'] }),
      'validation_failed',
      /^pipeline\[1\]: no plugin named "nope"/,
    ],
    [
      'unknown tool',
      request({ pipeline: ['echo.nope'] }),
      'validation_failed',
      /^pipeline\[0\]: plugin "echo" has no tool "nope" \(tools: echo, /,
    ],
    [
      'unavailable plugin',
      request({ pipeline: ['gpu-only'] }),
      'unavailable',
      /^pipeline\[0\]: plugin "gpu-only" is UNAVAILABLE: device: needs a GPU/,
    ],
    ['input not an object', request({ input: 'x' }), 'validation_failed', /^input: must be an object/],
    [
      'unknown input key',
      request({ input: { frames: [PNG], extra: 1 } }),
      'validation_failed',
      /^input\.extra: unknown field/,
    ],
    [
      'bad frame',
      request({ input: { frames: [{ kind: 'image', mime: 'image/jpeg', data_base64: 'AA==' }] } }),
      'validation_failed',
      /^input\.frames\[0\]\.mime: must be image\/png/,
    ],
    [
      'data URI frame',
      request({ input: { frames: [{ ...PNG, data_base64: 'data:image/png;base64,AA' }] } }),
      'validation_failed',
      /^input\.frames\[0\]\.data_base64: must be base64/,
    ],
    ['no frames', request({ input: {} }), 'validation_failed', /^input: no frames/],
    [
      'canvas_frames without canvas',
      request({ input: { frames: [PNG], canvas_frames: 2 } }),
      'validation_failed',
      /^input\.canvas_frames: needs a canvas/,
    ],
    [
      'params of another stage',
      request({ input: { frames: [PNG], params: { echo: {} } } }),
      'validation_failed',
      /^input\.params\.echo: not a stage/,
    ],
    [
      'too many frames',
      request({ input: { canvas_id: 'c', canvas_frames: 1000, frames: [PNG] } }),
      'validation_failed',
      /^input: 1001 frames; the limit is 1000/,
    ],
  ];
  for (const [what, body, code, message] of refusals) {
    it(`[CONTRACT 3] refuses ${what}: ${code}, saying what to fix`, () => {
      const result = parse(body);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(message);
    });
  }

  it('[CONTRACT 3] property: junk in, a coded error or a plan out, never a throw', () => {
    const junk = fc.oneof(
      fc.anything(),
      fc.record({
        scope: fc.constant(SCOPE),
        pipeline: fc.anything(),
        device_requested: fc.anything(),
        input: fc.anything(),
      }),
      fc.record({
        scope: fc.constant(SCOPE),
        pipeline: fc.array(fc.constantFrom('echo', 'frame-analysis', 'canvas-stats.stats', 'x.y', 'gpu-only', '')),
        device_requested: fc.constantFrom('cpu', 'gpu'),
        fps: fc.option(fc.double(), { nil: undefined }),
        input: fc.record(
          { frames: fc.anything(), canvas_id: fc.anything(), params: fc.anything() },
          { requiredKeys: [] },
        ),
      }),
    );
    fc.assert(
      fc.property(junk, (body) => {
        const result = parse(body);
        if (!result.ok) {
          expect(Object.keys(ERROR_CODES)).toContain(result.error.code);
          expect(result.error.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
