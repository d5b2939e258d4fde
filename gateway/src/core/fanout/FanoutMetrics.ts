/** The stream kinds fan-out serves: one canvas, a project's timeline, one run's events. */
export type StreamKind = 'canvas' | 'realtime' | 'run';

/** Stream kinds the fan-out lag metric is observed for. */
export type LagKind = 'canvas' | 'realtime';

/** Hooks fan-out calls; `metrics/createMetrics.ts` backs them with prom-client. All optional. */
export interface FanoutMetrics {
  /** A stream was accepted (subscribers gauge +1). */
  streamOpened?(kind: StreamKind): void;
  /** A stream ended (subscribers gauge -1, disconnects{reason} +1). */
  streamClosed?(kind: StreamKind, reason: string): void;
  /** Frames written to subscribers (live and replayed). */
  delivered?(count: number): void;
  /** now − event timestamp, observed once per live event per stream kind that received it. */
  lag?(kind: LagKind, seconds: number): void;
}
