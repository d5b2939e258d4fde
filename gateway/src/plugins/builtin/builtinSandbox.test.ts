import type { JsonValue, StateOp } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD_CANVAS_TYPE, WHITEBOARD_CANVAS_TYPE } from '../../core/canvasTypes/builtinCanvasTypes.ts';
import { builtinPluginFolders } from '../builtinPluginFolders.ts';
import { openPluginHost, type SandboxPluginHost } from '../openPluginHost.ts';
import { BUILTIN_PLUGIN_NAMES } from './builtinPluginsDir.ts';
import { canvasFrameOf, decodePngBase64, imageFrame, pngBase64 } from './builtinTestKit.ts';

/** The built-ins through the real plugin host: each in its own child process, plain Node. */
// Real plugin processes (spawned per test or file): roomy timeouts for a loaded machine.
describe('built-in plugins in the sandbox', { timeout: 30_000 }, () => {
  let host: SandboxPluginHost;
  beforeAll(async () => {
    host = await openPluginHost({ folders: builtinPluginFolders() });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('[CONTRACT 9] every built-in loads (LOADED, no reason)', async () => {
    // A host of its own: the shared one is RUNNING once another test (in any order) called a tool.
    const fresh = await openPluginHost({ folders: builtinPluginFolders() });
    try {
      const listed = fresh.list().filter((h) => (BUILTIN_PLUGIN_NAMES as readonly string[]).includes(h.name));
      expect(listed.map((h) => [h.name, h.state, h.reason])).toEqual(
        BUILTIN_PLUGIN_NAMES.map((name) => [name, 'LOADED', undefined]),
      );
      expect(fresh.list().map((h) => h.name)).not.toContain('shared');
    } finally {
      await fresh.close();
    }
  });

  it('[CONTRACT 9] canvas snapshots → canvas-stats and whiteboard-thumbnail → frame-analysis, as a job chains them', async () => {
    const board = canvasFrameOf(BOARD_CANVAS_TYPE, [
      { op: 'insert', root: 'notes', key: 'n1', value: { text: 'one two three', column: 'doing' } } as StateOp,
    ]);
    const stats = await host.invoke('canvas-stats', 'stats', { frame: board, index: 0 } as unknown as JsonValue);
    expect(stats.ok && stats.value).toMatchObject({ board: { notes: 1, words: 3, notes_by_column: { doing: 1 } } });

    const frames = [0, 40].map((x) =>
      canvasFrameOf(WHITEBOARD_CANVAS_TYPE, [
        { op: 'insert', root: 'shapes', key: 'r', value: { kind: 'rect', x, y: 0, w: 20, h: 20, color: '#ff0000' } },
        {
          op: 'insert',
          root: 'shapes',
          key: 'frame',
          value: { kind: 'rect', x: 0, y: 0, w: 60, h: 20, stroke: '#000' },
        },
      ] as StateOp[]),
    );
    const outputs = [];
    for (const [index, frame] of frames.entries()) {
      const input = { frame, index, fps: 10, params: { width: 120, height: 40 } };
      const thumb = await host.invoke('whiteboard-thumbnail', 'render', input as unknown as JsonValue);
      expect(thumb.ok, JSON.stringify(thumb)).toBe(true);
      if (!thumb.ok) return;
      const png = decodePngBase64((thumb.value as { png_base64: string }).png_base64);
      expect([png.width, png.height]).toEqual([120, 40]);
      const analysis = await host.invoke('frame-analysis', 'analyze', {
        frame,
        index,
        fps: 10,
        previous: thumb.value,
      } as unknown as JsonValue);
      expect(analysis.ok, JSON.stringify(analysis)).toBe(true);
      outputs.push(
        analysis.ok ? (analysis.value as { source: string; mean_luminance: number; time_ms: number }) : null,
      );
    }
    expect(outputs.map((o) => o?.source)).toEqual(['previous', 'previous']);
    expect(outputs.map((o) => o?.time_ms)).toEqual([0, 100]);
    // The red square moved but kept its size: same luminance.
    expect(outputs[0]!.mean_luminance).toBeCloseTo(outputs[1]!.mean_luminance, 9);
  });

  it('[CONTRACT 9] warnings reach the caller; a giant image is refused as threw with the limit', async () => {
    const warnings: string[] = [];
    const moved = await host.invoke(
      'frame-analysis',
      'analyze',
      {
        frame: imageFrame(pngBase64(6, 4, () => [9, 9, 9])),
        prior_frame: imageFrame(pngBase64(4, 6, () => [9, 9, 9])),
        index: 1,
      },
      { onWarning: (m) => warnings.push(m) },
    );
    expect(moved.ok && moved.value).toMatchObject({ mean_luminance: 9, motion: null });
    expect(warnings).toEqual(['frame-analysis: frame 1: motion skipped, prior_frame is 4x6, this frame 6x4']);

    const header = Buffer.alloc(40);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
    header.write('IHDR', 12, 'latin1');
    header.writeUInt32BE(10_000, 16);
    header.writeUInt32BE(10_000, 20);
    const giant = await host.invoke('frame-analysis', 'analyze', {
      frame: imageFrame(header.toString('base64')),
      index: 0,
    });
    expect(giant.ok).toBe(false);
    if (giant.ok) return;
    expect(giant.error.kind).toBe('threw');
    expect(giant.error.message).toContain('the limit is 8388608');
  });
});
