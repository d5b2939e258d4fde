/** Servers the awareness bench measures (raw SSE has no presence). */
export const PRESENCE_SERVERS = ['hocuspocus', 'easel'] as const;
export type PresenceServer = (typeof PRESENCE_SERVERS)[number];

/** Knobs of the awareness fan-out bench. */
export interface PresenceConfig {
  /** Collaborators on one document, each moving a cursor. */
  collaborators: number;
  /**
   * Cursor updates per second per collaborator, one measurement each: the first is the headline
   * load (BENCHMARKS.md: 30 Hz); the second a lighter one (≈ half of what plain Hocuspocus 3.4
   * sustains here), where both servers keep up.
   */
  rates: number[];
  warmupMs: number;
  measureMs: number;
  rounds: number;
}

export const PRESENCE_QUICK: Omit<PresenceConfig, 'rounds'> = {
  collaborators: 50,
  rates: [30, 8],
  warmupMs: 2000,
  measureMs: 5000,
};
export const PRESENCE_FULL: Omit<PresenceConfig, 'rounds'> = {
  collaborators: 50,
  rates: [30, 8],
  warmupMs: 3000,
  measureMs: 12_000,
};

/** Latency of cursor set → seen by the last other collaborator, ms. */
export interface AwarenessLatency {
  p50: number;
  p99: number;
  max: number;
  /** Sets in the window that every other collaborator saw. */
  n: number;
}

/** What the client process measured over one window. */
export interface AwarenessRun {
  latency: AwarenessLatency;
  /** Cursor sets per second (all collaborators). */
  setsPerSec: number;
  /** Awareness entries of others received per second (all collaborators). */
  deliveriesPerSec: number;
  /** Share of the window's sets seen by every other collaborator within 5 s. */
  complete: number;
  /** CPU of the client process over the window (share of one core). */
  clientCpu: number;
  windowMs: number;
}

/** One server, one round. */
export interface PresenceSample extends AwarenessRun {
  round: number;
  server: PresenceServer;
  /** Cursor updates per second per collaborator. */
  hz: number;
  /** CPU of the server process over the window (share of one core). */
  serverCpu: number;
  /** Server CPU µs per delivered awareness entry. */
  serverUsPerDelivery: number;
}

export interface PresenceResult {
  config: PresenceConfig;
  samples: PresenceSample[];
  /** Samples that could not be measured, and why. */
  failures: string[];
}
