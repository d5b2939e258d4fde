import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionQueue, type TelemetryItem } from './SessionQueue.ts';

function latch() {
  let release!: () => void;
  const promise = new Promise<void>((r) => {
    release = r;
  });
  return { promise, release };
}

describe('SessionQueue (bounded per-session queue, deterministic overflow)', () => {
  it('[CONTRACT 4] telemetry behind a durable append waits; when full chat_token deltas coalesce (first index kept), model_status latest wins', async () => {
    const out: string[] = [];
    const q = new SessionQueue(3, (item) => out.push(`${item.type}:${JSON.stringify(item.payload)}`));
    const gate = latch();
    const durable = q.pushDurable('turn_final', async () => {
      await gate.promise;
      out.push('durable');
      return 7;
    });
    q.pushTelemetry({ type: 'model_status', turnId: 't', payload: { status: 'loading' } });
    q.pushTelemetry({ type: 'chat_token', turnId: 't', payload: { index: 0, text: 'a' } });
    q.pushTelemetry({ type: 'chat_token', turnId: 't', payload: { index: 1, text: 'b' } });
    // Full (3 telemetry items): these merge.
    q.pushTelemetry({ type: 'chat_token', turnId: 't', payload: { index: 2, text: 'c' } });
    q.pushTelemetry({ type: 'model_status', turnId: 't', payload: { status: 'ready' } });
    q.pushTelemetry({ type: 'chat_token', turnId: 'other', payload: { index: 0, text: 'x' } });
    expect(out).toEqual([]);
    gate.release();
    expect(await durable).toBe(7);
    await q.idle();
    expect(out).toEqual([
      'durable',
      'model_status:{"status":"ready"}',
      'chat_token:{"index":0,"text":"a"}',
      'chat_token:{"index":1,"text":"bc"}',
    ]);
    expect(q.stats).toEqual({ coalesced: 1, replaced: 1, dropped: 1 });
  });

  it('[CONTRACT 4] durable items are never dropped, merged or reordered, and the concatenated token text is never lost when a merge target exists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.oneof(fc.constant('D'), fc.string({ minLength: 1, maxLength: 3 })), { maxLength: 60 }),
        async (capacity, script) => {
          const published: TelemetryItem[] = [];
          const order: string[] = [];
          const gate = latch();
          const q = new SessionQueue(capacity, (item) => {
            published.push(item);
            order.push('T');
          });
          let durableCount = 0;
          q.pushDurable('hold', async () => {
            await gate.promise;
          });
          let index = 0;
          let sent = '';
          for (const step of script) {
            if (step === 'D') {
              const n = durableCount++;
              void q.pushDurable(`d${n}`, async () => {
                order.push(`D${n}`);
              });
            } else {
              q.pushTelemetry({ type: 'chat_token', turnId: 't', payload: { index: index++, text: step } });
              sent += step;
            }
          }
          gate.release();
          await q.idle();
          expect(order.filter((o) => o !== 'T')).toEqual(Array.from({ length: durableCount }, (_, i) => `D${i}`));
          const indexes = published.map((p) => p.payload.index as number);
          expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
          const text = published.map((p) => p.payload.text).join('');
          // Only tokens that found no queued delta to merge into are dropped.
          expect(text.length + 3 * q.stats.dropped).toBeGreaterThanOrEqual(sent.length);
          expect(q.stats.dropped === 0 ? text : sent).toBe(sent);
        },
      ),
      { numRuns: 100 },
    );
  });
});
