import type { RecordedEnvelope, RecordedFrame } from '@easel/harness/testing';
import { readEventStream } from '@easel/transport';

/** A live SSE subscription that keeps every envelope with its arrival gap (a recording's frames). */
export interface StreamRecorder {
  readonly frames: RecordedFrame[];
  /** Resolves once a frame of `type` has arrived (bounded by `timeoutMs`). */
  waitFor(type: string, timeoutMs: number, count?: number): Promise<void>;
  stop(): void;
}

/** Opens `url` (an SSE endpoint of the gateway) with `token` and records its envelopes. */
export function recordStream(url: string, token: string): StreamRecorder {
  const frames: RecordedFrame[] = [];
  const controller = new AbortController();
  let last = 0;
  const listeners = new Set<() => void>();
  void (async () => {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await readEventStream(res.body, {
      onFrame(frame) {
        let event: RecordedEnvelope;
        try {
          event = JSON.parse(frame.data) as RecordedEnvelope;
        } catch {
          return;
        }
        const now = performance.now();
        const delayMs = last === 0 ? 0 : Math.min(2000, Math.round(now - last));
        last = now;
        frames.push(delayMs > 0 ? { event, delayMs } : { event });
        for (const l of listeners) l();
      },
    });
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) console.error(`recording ${url}: ${String(error)}`);
  });
  return {
    frames,
    waitFor(type, timeoutMs, count = 1) {
      const seen = () => frames.filter((f) => f.event.type === type).length >= count;
      if (seen()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${count}× ${type} on ${url} within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (!seen()) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
      });
    },
    stop() {
      controller.abort();
    },
  };
}
