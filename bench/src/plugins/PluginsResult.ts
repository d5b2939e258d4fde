/** Targets of BENCHMARKS.md / issue 4 for the plugin bench. */
export const PLUGIN_TARGETS = {
  /** Sandboxed − direct call time at p50, ms. */
  overheadP50Ms: 0.2,
  /** Sandboxed − direct call time at p99, ms. */
  overheadP99Ms: 5,
  /** Crash → the next call succeeds, s. */
  crashToReadyS: 0.6,
} as const;

/** Knobs of the plugin bench. */
export interface PluginsConfig {
  /** Unrecorded calls per payload and path before measuring (JIT, ajv, IPC, process start). */
  warmupCalls: number;
  /** Interleaved rounds; each measures every payload, direct and sandboxed call by call. */
  rounds: number;
  /** Measured calls per payload, per path, per round. */
  callsPerRound: number;
  /** Size of the large payload, bytes of JSON. */
  largePayloadBytes: number;
  /** Unrecorded crashes first (the first restarts read files cold). */
  warmupCrashes: number;
  /** Measured crashes. */
  crashes: number;
  /** Longest wait for the plugin to answer again after one crash, ms. */
  crashDeadlineMs: number;
}

export const PLUGINS_QUICK: PluginsConfig = {
  warmupCalls: 500,
  rounds: 3,
  callsPerRound: 2500,
  largePayloadBytes: 10_240,
  warmupCrashes: 2,
  crashes: 20,
  crashDeadlineMs: 5000,
};

export const PLUGINS_FULL: PluginsConfig = {
  warmupCalls: 1000,
  rounds: 5,
  callsPerRound: 6000,
  largePayloadBytes: 10_240,
  warmupCrashes: 2,
  crashes: 40,
  crashDeadlineMs: 5000,
};

/** Percentiles of call times (nearest rank), ms. */
export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

/** Sandboxed − direct, ms (a difference of percentiles, not a percentile of differences). */
export interface Overhead {
  p50: number;
  p99: number;
}

/** One payload in one round. */
export interface OverheadRound {
  round: number;
  direct: LatencySummary;
  sandboxed: LatencySummary;
  overhead: Overhead;
  /** The Node-IPC-only reference (`RawIpcEcho`), when it ran. */
  rawIpc: LatencySummary | null;
  /** The host's own channel alone (`RawFramesEcho`), when it ran. */
  rawFrames: LatencySummary | null;
  /** The same host with each plugin process in a session of its own (`ownSession: true`), when it ran. */
  ownSession?: LatencySummary | null;
}

/** One payload over all rounds (samples pooled) and per round. */
export interface PayloadOverhead {
  /** `trivial` or `10kb`. */
  key: string;
  /** `trivial` or `10 KB`. */
  label: string;
  /** Length of the payload's JSON. */
  bytes: number;
  direct: LatencySummary;
  sandboxed: LatencySummary;
  overhead: Overhead;
  /** Reference: the same echo over Node's IPC channel alone (no host), when it ran. */
  rawIpc: LatencySummary | null;
  /** What the host adds over Node's IPC channel: sandboxed − raw IPC. */
  hostOverRawIpc: Overhead | null;
  /** Reference: the same echo over the host's own channel alone (length-prefixed JSON frames), when it ran. */
  rawFrames: LatencySummary | null;
  /** What the host adds over its channel: sandboxed − raw frames. */
  hostOverRawFrames: Overhead | null;
  /**
   * Reference: the same host with each plugin process in a session of its own (`ownSession: true`,
   * the host's default before), when it ran: what a scheduler autogroup per session costs a call.
   */
  ownSession?: LatencySummary | null;
  rounds: OverheadRound[];
  /** Sandboxed calls that did not answer ok with the echoed payload. */
  failedCalls: number;
}

/** Crash → ready, measured `crashes` times. */
export interface CrashResult {
  crashes: number;
  /** Crashes after which a call succeeded within `crashDeadlineMs`. */
  recovered: number;
  /** The crash call is issued → the next call succeeds, ms (recovered crashes only). */
  readyMs: LatencySummary | null;
  /** The host's own figure (`lastRecoveryMs`): process exit booked → new process ready, ms. */
  hostRecoveryMs: LatencySummary | null;
  /** How the crash call itself answered (`crashed` expected), counted by kind. */
  crashKinds: Record<string, number>;
  /** Recorded crashes that found a standby process ready (promoted at once instead of a restart). */
  standbyReady?: number;
}

export interface PluginsResult {
  config: PluginsConfig;
  /** Host limits changed from the defaults for the run, in words. */
  notes: string[];
  overhead: PayloadOverhead[];
  /** Crash → ready of the host (standby processes on, the default). */
  crash: CrashResult | null;
  /** Reference, interleaved crash by crash with `crash`: the same host with standby processes off (restart after the backoff). */
  crashWithoutStandby?: CrashResult | null;
  /** What could not be measured, and why. */
  failures: string[];
}
