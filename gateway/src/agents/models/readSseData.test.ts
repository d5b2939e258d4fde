import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSseData, type SseData } from './readSseData.ts';

function streamOf(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]!);
      else controller.close();
    },
  });
}

async function all(body: ReadableStream<Uint8Array>, signal = new AbortController().signal, idleMs = 1000) {
  const out: SseData[] = [];
  for await (const d of readSseData(body, signal, idleMs)) out.push(d);
  return out;
}

describe('readSseData (SSE framing of the model stream)', () => {
  it('[ISSUE 6] decodes the same data events however the bytes are split, with LF or CRLF and comments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\r\n]/.test(s)),
          { maxLength: 8 },
        ),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        async (payloads, crlf, cuts) => {
          const nl = crlf ? '\r\n' : '\n';
          const text = payloads.map((p) => `: keep-alive${nl}data: ${p}${nl}${nl}`).join('');
          const bytes = new TextEncoder().encode(text);
          const parts: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            parts.push(bytes.slice(at, at + size));
            at += size;
          }
          const got = await all(streamOf(parts));
          expect(got).toEqual(payloads.map((p) => ({ kind: 'data', text: p })));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('[ISSUE 6] a silent stream ends with an idle error; an aborted signal ends it without one', async () => {
    const silent = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    expect(await all(silent, new AbortController().signal, 30)).toEqual([
      { kind: 'error', message: 'the model sent nothing for 30 ms' },
    ]);
    const controller = new AbortController();
    controller.abort();
    expect(await all(streamOf([new TextEncoder().encode('data: x\n\n')]), controller.signal)).toEqual([]);
  });
});
