/** Every knob of a run; `quick` and `full` are the two presets. */
export interface BenchConfig {
  quick: boolean;
  /** Interleaved rounds (A B C, A B C, ...) per measurement. */
  rounds: number;
  fanout: {
    /** Subscriber counts. */
    subscribers: number[];
    /** Writers in flight (closed loop, keep-alive). */
    writers: number;
    warmupMs: number;
    measureMs: number;
  };
  latency: {
    subscribers: number;
    /** Most requests in flight in the open-loop writer. */
    maxInFlight: number;
    /** Offered-rate steps (updates/s) used to find the reference server's peak: start, factor, cap. */
    stepStart: number;
    stepFactor: number;
    stepMax: number;
    stepWarmupMs: number;
    stepMeasureMs: number;
    warmupMs: number;
    measureMs: number;
  };
  cpu: {
    subscribers: number;
    /** Matched offered rates, updates/s (each delivered to every subscriber). */
    rates: number[];
    maxInFlight: number;
    warmupMs: number;
    measureMs: number;
    rounds: number;
  };
  memory: {
    /** Idle connections wanted (capped by the open-file limit). */
    connections: number;
    settleMs: number;
    rounds: number;
  };
}

/** The ~2 minute smoke run (1 round, short windows, 2000 idle connections). */
export const QUICK_CONFIG: BenchConfig = {
  quick: true,
  rounds: 1,
  fanout: { subscribers: [100, 1000], writers: 64, warmupMs: 700, measureMs: 1500 },
  latency: {
    subscribers: 100,
    maxInFlight: 128,
    stepStart: 50,
    stepFactor: 2,
    stepMax: 64_000,
    stepWarmupMs: 300,
    stepMeasureMs: 800,
    warmupMs: 500,
    measureMs: 2000,
  },
  cpu: { subscribers: 1000, rates: [20, 130], maxInFlight: 128, warmupMs: 500, measureMs: 1200, rounds: 1 },
  memory: { connections: 2000, settleMs: 1000, rounds: 1 },
};

/** The full run (≈ 10 minutes on 2 cores). */
export const FULL_CONFIG: BenchConfig = {
  quick: false,
  rounds: 3,
  fanout: { subscribers: [100, 1000], writers: 64, warmupMs: 1500, measureMs: 4000 },
  latency: {
    subscribers: 100,
    maxInFlight: 128,
    stepStart: 50,
    stepFactor: 1.5,
    stepMax: 64_000,
    stepWarmupMs: 500,
    stepMeasureMs: 1500,
    warmupMs: 1000,
    measureMs: 5000,
  },
  cpu: { subscribers: 1000, rates: [20, 130, 340, 880], maxInFlight: 128, warmupMs: 1000, measureMs: 3000, rounds: 2 },
  memory: { connections: 10_000, settleMs: 2500, rounds: 2 },
};
