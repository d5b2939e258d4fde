/** The resume-storm target (`../shared/BENCHMARKS.md`): all caught up, 0 gaps, ≤ 3 s. */
export const STORM_TARGETS = { caughtUpMs: 3000 } as const;

/** One storm: kill -9 of the gateway under a live writer and N subscribers, restart, catch-up. */
export interface StormRound {
  round: number;
  /** Load average (1 min) when the round started. */
  load: number;
  readers: number;
  /** Highest update acknowledged before the kill: what every reader must have seen to be caught up. */
  ackedAtKill: number;
  /** kill -9 → the restarted gateway accepted its first connection. */
  restartMs: number;
  /** Restarted gateway accepting → every reader had every update acknowledged before the kill. */
  caughtUpMs: number | null;
  /** kill -9 → every reader caught up. */
  killToCaughtUpMs: number | null;
  /** Restarted gateway accepting → every reader's stream live again. */
  allLiveMs: number | null;
  /** At the end (writer stopped, every reader at the writer's last update): summed over readers. */
  gaps: number;
  duplicates: number;
  resets: number;
  reconnects: number;
  failedAttempts: number;
  /** Readers that ended at the writer's last acknowledged update. */
  complete: number;
  lastAcked: number;
  writerRetries: number;
}

export interface StormResult {
  config: { readers: number; writerRate: number; beforeKillMs: number; rounds: number; timeoutMs: number };
  rounds: StormRound[];
  failures: string[];
}
