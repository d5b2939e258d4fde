import type { IpcReply } from '../lib/IpcChild.ts';

/** IPC between the bench (parent) and its client process (readers and writers in one process). */

/** What the readers connect to. */
export type ReaderSpec =
  /**
   * Raw HTTP SSE: `GET url` with `headers`; frames are counted by their payload marker. With
   * `readyAfter` (e.g. `event: CANVAS_READY`), the reader counts as open only once that frame has
   * arrived (the stream is live), and counting starts after it.
   */
  | { kind: 'sse'; url: string; headers?: Record<string, string>; readyAfter?: string }
  /** A y-protocols client over `ws`: Hocuspocus auth + sync handshake on `document`, then counts updates. */
  | { kind: 'yjs'; url: string; document: string };

/** What the writers post. */
export interface WriterSpec {
  url: string;
  headers?: Record<string, string>;
  /** `publish`: the ~200 B JSON body; `easel`: a `token.set` command carrying the same value. */
  body: { kind: 'publish' } | { kind: 'easel'; scope: Record<string, string>; runId: string; tokenIds: string[] };
}

export type ClientRequest =
  | {
      op: 'connect';
      reader: ReaderSpec;
      count: number;
      /** `count`: count marked frames; `latency`: also parse each frame's sequence number. */
      track: 'count' | 'latency';
      /**
       * With `latency`: readers that must see an update before it counts as delivered (default `count`).
       * Set it to the total when readers are opened in several `connect`s (e.g. on two nodes) before
       * the load starts: each `connect` restarts the latency tracker for every reader of the process.
       */
      expectedReaders?: number;
      /** Connections being opened at once (default 200). */
      concurrency?: number;
      timeoutMs?: number;
    }
  | {
      op: 'startLoad';
      writer: WriterSpec;
      /** Requests in flight at most. */
      concurrency: number;
      /** Offered updates per second (open loop); absent = as fast as acks allow (closed loop). */
      ratePerSec?: number;
    }
  | { op: 'mark' }
  | { op: 'stopLoad' }
  | { op: 'latency'; reset: boolean }
  | { op: 'closeReaders' };

export type ClientEnvelope = { id: number; request: ClientRequest };

export interface ConnectResult {
  opened: number;
  failed: number;
  ms: number;
  firstError?: string;
}

/** Counters at one instant, from the client's monotonic clock. */
export interface Mark {
  /** performance.now() in the client, ms. */
  t: number;
  /** Marked frames parsed by all readers so far. */
  frames: number;
  /** Writes acknowledged (2xx). */
  acks: number;
  /** Writes issued. */
  sent: number;
  /** Writes that failed (non-2xx or socket error). */
  errors: number;
  /** Open-loop slots skipped because `concurrency` requests were already in flight. */
  skipped: number;
  /** Readers that disconnected after opening. */
  readersLost: number;
  /** CPU seconds used by the client process so far. */
  cpuSeconds: number;
  firstError?: string;
}

export interface LatencyStats {
  /** Updates seen by every reader since the last reset. */
  complete: number;
  /** Updates sent but not yet seen by every reader. */
  pending: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Same percentiles for the first reader to see each update. */
  firstP50: number;
}

/** The client process's reply (the bench's IPC reply shape). */
export type ClientReply = IpcReply;
