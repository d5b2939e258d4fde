/** The two stream kinds fan-out serves. */
export type StreamKind = 'canvas' | 'realtime';

/** Hooks fan-out calls; `metrics/createMetrics.ts` backs them with prom-client. All optional. */
export interface FanoutMetrics {
  /** A stream was accepted (subscribers gauge +1). */
  streamOpened?(kind: StreamKind): void;
  /** A stream ended (subscribers gauge -1, disconnects{reason} +1). */
  streamClosed?(kind: StreamKind, reason: string): void;
  /** Frames written to subscribers (live and replayed). */
  delivered?(count: number): void;
  /** now − event timestamp, observed once per live event per stream kind that received it. */
  lag?(kind: StreamKind, seconds: number): void;
}
