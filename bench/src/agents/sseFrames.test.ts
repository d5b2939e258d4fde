import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSplitter, PatternCounter, parseFrame } from './sseFrames.ts';

/** Splits `text` at the given cut points (sorted, deduplicated, inside the text). */
function cut(text: string, points: number[]): string[] {
  const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const p of at) {
    parts.push(text.slice(last, p));
    last = p;
  }
  parts.push(text.slice(last));
  return parts;
}

const frameArb = fc.record({
  event: fc.constantFrom('chat_token', 'turn_accepted', 'token_patch'),
  data: fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')),
});

describe('agents bench SSE framing', () => {
  it('splits any chunking of a stream into the same frames, and counts every chat_token once', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (frames, points) => {
        const text = frames.map((f) => `event: ${f.event}\ndata: ${f.data}\n\n`).join('');
        const splitter = new FrameSplitter();
        const counter = new PatternCounter('event: chat_token\n');
        const seen: Array<{ event: string | null; data: string }> = [];
        let counted = 0;
        for (const part of cut(text, points)) {
          for (const frame of splitter.push(part)) seen.push(parseFrame(frame));
          counted += counter.count(Buffer.from(part, 'utf8'));
        }
        expect(seen).toEqual(frames);
        expect(counted).toBe(frames.filter((f) => f.event === 'chat_token').length);
      }),
      { numRuns: 300 },
    );
  });

  it('parses id-less telemetry frames and frames with several data lines', () => {
    expect(parseFrame('id: e-1\nevent: token_patch\ndata: {"a":\ndata: 1}')).toEqual({
      event: 'token_patch',
      data: '{"a":\n1}',
    });
    expect(parseFrame(': keep-alive')).toEqual({ event: null, data: '' });
    expect(() => new PatternCounter('')).toThrow();
  });
});
