/** IPC between the storm bench (parent) and its reader process (`stormWorker.ts`). */
export type StormRequest =
  | { op: 'open'; url: string; headers: Record<string, string>; count: number }
  | { op: 'status'; target: number }
  | { op: 'close' };

/** The readers' tallies summed, and how many have seen every update up to `target`. */
export interface StormStatus {
  readers: number;
  live: number;
  /** Readers whose next expected update is above the target (every one ≤ target seen once). */
  caughtUp: number;
  minNext: number;
  maxNext: number;
  duplicates: number;
  gaps: number;
  reconnects: number;
  failedAttempts: number;
  resets: number;
}

export interface StormOpened {
  opened: number;
  failed: number;
  ms: number;
  firstError?: string;
}
