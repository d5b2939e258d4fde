import type { SharedBatch } from './SharedBatch.ts';

/**
 * Where a stream's frames go: an abstract byte pipe so fan-out runs without Express or
 * better-sse. The HTTP adapter implements it over a Node response (`http/ResponseSink.ts`);
 * tests use `TestSink`.
 */
export interface StreamSink {
  /**
   * Queues pre-serialized SSE text. Returns false when the buffered bytes are over the sink's
   * high-water mark (the text is still queued: fan-out decides what to do about it).
   */
  write(chunk: string): boolean;
  /**
   * Queues `frame`, which fan-out has just appended to `batch` (the frames a whole group of
   * streams receives this cycle). A sink that received each of the batch's frames since it
   * joined can write the batch's one shared encoding. Optional: fan-out falls back to `write`.
   * Same return value as `write`.
   */
  writeShared?(batch: SharedBatch, frame: string): boolean;
  /**
   * Queues bytes (UTF-8 text that a cache already encoded: a large CANVAS_READY snapshot) after
   * everything queued before. Optional: fan-out writes the text instead. Same return value as `write`.
   */
  writeBytes?(bytes: Uint8Array): boolean;
  /** Bytes written but not yet handed to the client's socket. */
  bufferedBytes(): number;
  /**
   * A cheap upper bound of {@link bufferedBytes} (no look at the socket), so a budget check
   * can skip the exact figure while the bound is under it. Optional.
   */
  bufferedBytesBound?(): number;
  /** Ends the stream (any queued text is flushed first when possible). Idempotent. */
  close(reason: string): void;
  /**
   * Resolves once the sink can take more (its buffered bytes fell below its high-water mark, or
   * it closed). A replay waits on it whenever more than half the byte budget is buffered, so it
   * should not resolve while the client's socket is still pushing back. Optional: without it, a
   * replay that outruns the client ends the stream as a slow consumer.
   */
  drained?(): Promise<void>;
}
