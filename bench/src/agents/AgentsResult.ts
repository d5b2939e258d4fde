/** Knobs of the agents bench (`pnpm bench agents`). */
export interface AgentsConfig {
  rounds: number;
  /** The local model's pace, ms per token (`EASEL_LOCAL_TOKEN_DELAY_MS`; the gateway's default is 12). */
  tokenDelayMs: number;
  latency: {
    /** Samples per command type (`chat.send`, then `token.set`, alternating). */
    samples: number;
    /** Pause between two samples, ms (closed loop: one command at a time). */
    gapMs: number;
    /** Give up waiting for one event after this long, ms (counted as missed). */
    timeoutMs: number;
    warmupSamples: number;
  };
  throughput: {
    /** SSE subscribers on the canvas stream. */
    subscribers: number;
    /** Agents (actors) with one turn each in flight: turns of one actor run one after another. */
    turns: number;
    warmupMs: number;
    measureMs: number;
    /** Raw SSE baseline: writers in flight (closed loop), as the fan-out bench. */
    rawWriters: number;
  };
}

export const AGENTS_QUICK: Omit<AgentsConfig, 'rounds'> = {
  tokenDelayMs: 1,
  latency: { samples: 150, gapMs: 15, timeoutMs: 5000, warmupSamples: 20 },
  throughput: { subscribers: 100, turns: 24, warmupMs: 2000, measureMs: 4000, rawWriters: 64 },
};

export const AGENTS_FULL: Omit<AgentsConfig, 'rounds'> = {
  tokenDelayMs: 1,
  latency: { samples: 600, gapMs: 15, timeoutMs: 5000, warmupSamples: 50 },
  throughput: { subscribers: 100, turns: 24, warmupMs: 3000, measureMs: 8000, rawWriters: 64 },
};

/** Percentiles of one latency series, ms. */
export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

/** One command type's latencies: HTTP answer, and the event on the stream. */
export interface CommandLatency {
  /** Request issued → HTTP outcome received. */
  ack: LatencySummary;
  /** Request issued → its event (`turn_accepted` / `token_patch`, matched by `causation_id`) parsed by the subscriber. */
  event: LatencySummary;
  /** Samples whose event did not arrive in time. */
  missed: number;
  errors: number;
  firstError?: string;
}

/** chat_token fan-out, as measured by the client process. */
export interface TokenThroughput {
  subscribers: number;
  turns: number;
  windowMs: number;
  /** chat_token frames parsed per second, all subscribers together. */
  framesPerSec: number;
  /** chat_token frames per second one subscriber received (what the turns produced, after coalescing). */
  framesPerSecPerSubscriber: number;
  /** Characters of streamed text per second, all subscribers together. */
  charsPerSec: number;
  /** Turns that ended in the window. */
  turnsPerSec: number;
  /** Envelope timestamp → parsed by subscriber 0, ms (the gateway's clock and the client's; same machine). */
  tokenAge: LatencySummary;
  /** Turns that ended other than `commit_succeeded`, and command errors. */
  failedTurns: number;
  errors: number;
  firstError?: string;
  /** Subscribers that lost their connection. */
  lost: number;
  clientCpu: number;
}

/** What the client process reports for one Easel sample. */
export interface AgentsRun {
  chat: CommandLatency;
  token: CommandLatency;
  throughput: TokenThroughput;
}

/** One round: Easel (latency and throughput) and the raw SSE baseline. */
export interface AgentsSample extends AgentsRun {
  round: number;
  /** Gateway CPU over the throughput window (share of one core). */
  serverCpu: number;
  /** Gateway CPU µs per chat_token frame delivered. */
  serverUsPerFrame: number;
  /** Raw SSE at saturation, same subscribers (the fan-out bench's baseline server); null when not measured. */
  raw: { deliveriesPerSec: number; serverCpu: number; serverUsPerDelivery: number } | null;
}

export interface AgentsResult {
  config: AgentsConfig;
  samples: AgentsSample[];
  failures: string[];
}
