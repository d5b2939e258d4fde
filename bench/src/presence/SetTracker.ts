/** One cursor set waiting to be seen by every other collaborator. */
interface Pending {
  readonly seq: number;
  readonly at: number;
  remaining: number;
  readonly counted: boolean;
}

/**
 * Latency of "collaborator i sets its cursor (clock `seq`) → the last of the others sees it".
 * A receiver seeing clock q of sender i has seen every set of i up to q (awareness states
 * replace each other: a server may coalesce, the latest wins). Sets older than `giveUpMs` are
 * given up as incomplete. Times come from the caller's one monotonic clock.
 */
export class SetTracker {
  private readonly pending: Pending[][];
  private readonly heads: number[];
  /** lastSeen[receiver * n + sender] */
  private readonly lastSeen: Float64Array;
  readonly latencies: number[] = [];
  counted = 0;
  incomplete = 0;

  constructor(
    private readonly n: number,
    private readonly giveUpMs = 5000,
  ) {
    this.pending = Array.from({ length: n }, () => []);
    this.heads = new Array(n).fill(0);
    this.lastSeen = new Float64Array(n * n);
  }

  /** Sender `i` set clock `seq` at `at`; `counted`: inside the measurement window. */
  sent(i: number, seq: number, at: number, counted: boolean): void {
    this.pending[i]!.push({ seq, at, remaining: this.n - 1, counted });
    if (counted) this.counted += 1;
    this.expire(i, at);
  }

  /** Receiver `j` saw clock `seq` of sender `i` at `at`. */
  seen(j: number, i: number, seq: number, at: number): void {
    if (i === j) return;
    const key = j * this.n + i;
    const before = this.lastSeen[key]!;
    if (seq <= before) return;
    this.lastSeen[key] = seq;
    const list = this.pending[i]!;
    for (let k = this.heads[i]!; k < list.length; k++) {
      const p = list[k]!;
      if (p.seq > seq) break;
      if (p.seq <= before || p.remaining === 0) continue;
      p.remaining -= 1;
      if (p.remaining === 0 && p.counted) this.latencies.push(at - p.at);
    }
    this.compact(i);
  }

  /** Gives up sets older than `giveUpMs` at `now`. */
  expire(i: number, now: number): void {
    const list = this.pending[i]!;
    let head = this.heads[i]!;
    while (head < list.length && (list[head]!.remaining === 0 || now - list[head]!.at > this.giveUpMs)) {
      const p = list[head]!;
      if (p.remaining > 0 && p.counted) this.incomplete += 1;
      head += 1;
    }
    this.heads[i] = head;
    this.compact(i);
  }

  private compact(i: number): void {
    const list = this.pending[i]!;
    let head = this.heads[i]!;
    while (head < list.length && list[head]!.remaining === 0) head += 1;
    if (head > 1024) {
      list.splice(0, head);
      head = 0;
    }
    this.heads[i] = head;
  }
}
