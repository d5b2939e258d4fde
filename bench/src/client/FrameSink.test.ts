import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKER } from '../lib/payload.ts';
import { countMarkers, scanSeqs } from './FrameSink.ts';

/** An SSE frame carrying update `seq` the way every server under test frames it. */
function frame(seq: number): string {
  return `id: ${seq}\nevent: token_patch\ndata: {"value":"${MARKER}${seq};xxxx"}\n\n`;
}

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

describe('countMarkers', () => {
  it('counts every marker in a chunk', () => {
    expect(countMarkers(Buffer.from(frame(1) + frame(22) + frame(333)))).toBe(3);
    expect(countMarkers(Buffer.from(': keep-alive\n\n'))).toBe(0);
  });
});

describe('scanSeqs', () => {
  it('finds every sequence number however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 10_000_000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (seqs, points) => {
          const text = seqs.map(frame).join('');
          const seen: number[] = [];
          let carry = '';
          for (const part of cut(text, points)) carry = scanSeqs(carry + part, (n) => seen.push(n));
          expect(seen).toEqual(seqs);
        },
      ),
    );
  });

  it('keeps only a short tail when no marker is open', () => {
    expect(scanSeqs(frame(5) + 'x'.repeat(100), () => {}).length).toBeLessThan(MARKER.length);
  });
});
