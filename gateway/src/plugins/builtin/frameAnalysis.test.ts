import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { callTool, imageFrame, loadEntry, pngBase64, recordingContext } from './builtinTestKit.ts';

interface Analysis {
  index: number;
  time_ms?: number;
  source: 'frame' | 'previous';
  width: number;
  height: number;
  pixels: number;
  mean_luminance: number;
  histogram: number[];
  motion: { mean_abs_diff: number; changed_fraction: number; threshold: number } | null;
  motion_note?: string;
}

async function analyze(input: Record<string, unknown>, ctx = recordingContext()) {
  const { value } = await callTool('frame-analysis', 'analyze', { index: 0, ...input }, ctx);
  return { out: value as unknown as Analysis, ctx };
}

const grey = (w: number, h: number, c: number) => pngBase64(w, h, () => [c, c, c]);

describe('frame-analysis', () => {
  it('[CONTRACT 9] the luminance of a constant grey image is that grey, all in its histogram bin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        async (c, w, h) => {
          const { out } = await analyze({ frame: imageFrame(grey(w, h, c)) });
          expect(out.mean_luminance).toBe(c);
          expect([out.width, out.height, out.pixels]).toEqual([w, h, w * h]);
          const expected = new Array(16).fill(0);
          expected[Math.min(15, Math.floor(c / 16))] = w * h;
          expect(out.histogram).toEqual(expected);
          expect(out.motion).toBeNull();
        },
      ),
      { numRuns: 80 },
    );
  });

  it('[CONTRACT 9] uses the Rec. 709 weights and splits a half-black, half-white frame into the end bins', async () => {
    const red = await analyze({ frame: imageFrame(pngBase64(4, 4, () => [255, 0, 0])) });
    expect(red.out.mean_luminance).toBeCloseTo(0.2126 * 255, 9);
    const mixed = await analyze({ frame: imageFrame(pngBase64(4, 4, () => [10, 200, 30])) });
    expect(mixed.out.mean_luminance).toBeCloseTo(0.2126 * 10 + 0.7152 * 200 + 0.0722 * 30, 9);
    const halves = await analyze({ frame: imageFrame(pngBase64(10, 6, (x) => (x < 5 ? [0, 0, 0] : [255, 255, 255]))) });
    expect(halves.out.mean_luminance).toBe(127.5);
    expect(halves.out.histogram).toEqual([30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30]);
  });

  it('[CONTRACT 9] motion of identical frames is 0', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (w, h, seed) => {
          const noise = (x: number, y: number) => {
            const v = Math.imul(seed ^ (x * 73_856_093) ^ (y * 19_349_663), 2_654_435_761) >>> 0;
            return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255] as const;
          };
          const data = pngBase64(w, h, noise);
          const { out } = await analyze({ frame: imageFrame(data), prior_frame: imageFrame(data), index: 1 });
          expect(out.motion).toEqual({ mean_abs_diff: 0, changed_fraction: 0, threshold: 16 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('[CONTRACT 9] measures motion against the prior frame: mean difference and changed pixels', async () => {
    const prior = imageFrame(pngBase64(100, 100, () => [0, 0, 0]));
    const square = imageFrame(pngBase64(100, 100, (x, y) => (x < 10 && y < 10 ? [255, 255, 255] : [0, 0, 0])));
    const { out } = await analyze({ frame: square, prior_frame: prior, index: 7, fps: 25 });
    expect(out.motion).toEqual({ mean_abs_diff: 2.55, changed_fraction: 0.01, threshold: 16 });
    expect(out.time_ms).toBe(280);
    // A 16-level step is not over the default threshold; a threshold of 15 counts it.
    const step = imageFrame(grey(10, 10, 16));
    const zero = imageFrame(grey(10, 10, 0));
    expect((await analyze({ frame: step, prior_frame: zero })).out.motion?.changed_fraction).toBe(0);
    const low = await analyze({ frame: step, prior_frame: zero, params: { motion_threshold: 15 } });
    expect(low.out.motion).toEqual({ mean_abs_diff: 16, changed_fraction: 1, threshold: 15 });
  });

  it('[CONTRACT 9] frames of different sizes: motion skipped with a warning', async () => {
    const { out, ctx } = await analyze({
      frame: imageFrame(grey(8, 8, 50)),
      prior_frame: imageFrame(grey(8, 9, 50)),
      index: 2,
    });
    expect(out.motion).toBeNull();
    expect(out.motion_note).toBe('prior_frame is 8x9, this frame 8x8');
    expect(ctx.warnings).toEqual(['frame-analysis: frame 2: motion skipped, prior_frame is 8x9, this frame 8x8']);
    expect(out.mean_luminance).toBe(50);
  });

  it('[CONTRACT 9] odd input: translucent pixels warn, grey-scale PNGs decode, an undecodable prior frame warns', async () => {
    const translucent = await analyze({
      frame: imageFrame(pngBase64(2, 2, (x) => [100, 100, 100, x === 0 ? 10 : 255])),
    });
    expect(translucent.out.mean_luminance).toBe(100);
    expect(translucent.ctx.warnings).toEqual([
      'frame-analysis: frame 0: 2 pixel(s) are not opaque; luminance ignores alpha',
    ]);

    const png = new PNG({ width: 3, height: 2 });
    for (let i = 0; i < png.data.length; i += 4) png.data.set([77, 77, 77, 255], i);
    const greyScale = PNG.sync.write(png, { colorType: 0 }).toString('base64');
    expect((await analyze({ frame: imageFrame(greyScale) })).out.mean_luminance).toBe(77);

    const broken = Buffer.from(grey(4, 4, 9), 'base64');
    const truncated = broken.subarray(0, broken.length - 20).toString('base64');
    const { out, ctx } = await analyze({ frame: imageFrame(grey(4, 4, 9)), prior_frame: imageFrame(truncated) });
    expect(out.motion).toBeNull();
    expect(out.motion_note).toMatch(/^prior_frame does not decode/);
    expect(ctx.warnings).toHaveLength(1);
  });

  it('[CONTRACT 9] a big frame reports progress and a partial result', async () => {
    const data = pngBase64(1000, 1000, (x) => [x & 255, 0, 0]);
    const { out, ctx } = await analyze({ frame: imageFrame(data), prior_frame: imageFrame(data), index: 1 });
    expect(out.pixels).toBe(1_000_000);
    expect(ctx.progressed.length).toBeGreaterThanOrEqual(4);
    expect([...ctx.progressed].sort((a, b) => a - b)).toEqual(ctx.progressed);
    expect(ctx.progressed.at(-1)).toBe(100);
    expect(ctx.partials).toEqual([
      { index: 1, width: 1000, height: 1000, mean_luminance: out.mean_luminance, histogram: out.histogram },
    ]);
  });

  it('[CONTRACT 9] analyses the previous stage png_base64 for a canvas frame (thumbnail → analysis)', async () => {
    const frame = {
      kind: 'canvas',
      canvas_type: 'whiteboard',
      state: { shapes: { r: { kind: 'rect', x: 0, y: 0, w: 10, h: 10, color: '#000000' } }, layers: [] },
      tokens: {},
    };
    const thumb = await callTool('whiteboard-thumbnail', 'render', {
      frame,
      index: 0,
      params: { width: 32, height: 32 },
    });
    const { out } = await analyze({ frame, previous: thumb.value, prior_frame: frame });
    expect(out.source).toBe('previous');
    expect([out.width, out.height]).toEqual([32, 32]);
    // 8 px padding: a 16×16 black square in a white 32×32 image.
    expect(out.histogram[0]).toBe(256);
    expect(out.histogram[15]).toBe(1024 - 256);
    expect(out.motion_note).toBe('prior_frame is not an image frame');
  });

  it('[CONTRACT 9] refuses giant or non-PNG input with the limit in the message', async () => {
    const { tools, LIMITS } = (await loadEntry('frame-analysis')) as unknown as {
      tools: Record<string, (i: unknown, c: unknown) => Promise<unknown>>;
      LIMITS: { pixels: number; base64Chars: number };
    };
    const run = (frame: unknown) => tools.analyze!({ frame, index: 0 }, recordingContext());
    // A header that declares 4000×3000 (12 Mpx), refused before anything is inflated.
    const header = Buffer.alloc(64);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
    header.writeUInt32BE(13, 8);
    header.write('IHDR', 12, 'latin1');
    header.writeUInt32BE(4000, 16);
    header.writeUInt32BE(3000, 20);
    await expect(run(imageFrame(header.toString('base64')))).rejects.toThrow(`the limit is ${LIMITS.pixels}`);
    await expect(run(imageFrame('A'.repeat(LIMITS.base64Chars + 4)))).rejects.toThrow(
      `the limit is ${LIMITS.base64Chars}`,
    );
    await expect(run(imageFrame(Buffer.from('GIF89a, not a png at all').toString('base64')))).rejects.toThrow(
      'is not a PNG',
    );
    await expect(run({ kind: 'canvas', canvas_type: 'board', state: {}, tokens: {} })).rejects.toThrow(
      /needs an image frame/,
    );
    await expect(
      callTool('frame-analysis', 'analyze', {
        frame: imageFrame(grey(2, 2, 0)),
        index: 0,
        params: { motion_threshold: 300 },
      }),
    ).rejects.toThrow(/input fails/);
  });
});
