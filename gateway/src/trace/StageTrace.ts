import { appendFileSync } from 'node:fs';
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** A record's stamps: stage name → `process.hrtime` in ms (CLOCK_MONOTONIC, comparable across processes). */
export type StageStamps = Record<string, number>;

/** Now on the system-wide monotonic clock, ms. */
export function hrNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Records older than this are written out (complete or not) and forgotten, ms. */
const WRITE_AFTER_MS = 1000;
/** Most records held (a sink that never completes cannot grow memory). */
const MAX_RECORDS = 100_000;

/**
 * Opt-in latency probe of the command → subscriber path (`EASEL_STAGE_TRACE=<file>`): stamps
 * per durable seq (HTTP receive, append, batch commit start, durable, fan-out, flush, ack), written
 * as JSON lines to the file about a second later. Off (null) unless the variable is set; every
 * call site checks for null first, so the hot path pays one comparison.
 */
export class StageTrace {
  private readonly bySeq = new Map<number, StageStamps>();
  private readonly byRequest = new WeakMap<object, StageStamps>();
  /** Seqs fanned out since the last scheduled flush. */
  private fanned: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly delay = monitorEventLoopDelay({ resolution: 1 });
  private elu: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(private readonly path: string) {
    this.delay.enable();
    this.timer = setInterval(() => this.writeOut(false), 500);
    this.timer.unref();
    process.once('exit', () => this.writeOut(true));
  }

  /** Stamps `stage` on seqs `first`..`last`. */
  seqs(first: number, last: number, stage: string, t = hrNowMs()): void {
    for (let seq = first; seq <= last; seq++) {
      let rec = this.bySeq.get(seq);
      if (rec === undefined) {
        if (this.bySeq.size >= MAX_RECORDS) return;
        rec = { seq };
        this.bySeq.set(seq, rec);
      }
      if (rec[stage] === undefined) rec[stage] = t;
    }
  }

  /** Stamps `stage` on a request (keyed by its response object) until {@link link}. */
  request(res: object, stage: string): void {
    let rec = this.byRequest.get(res);
    if (rec === undefined) {
      rec = {};
      this.byRequest.set(res, rec);
    }
    rec[stage] = hrNowMs();
  }

  /** Merges the request's stamps into `seq`'s record, plus the client's own sequence number. */
  link(res: object, seq: number, clientSeq: number): void {
    const stamps = this.byRequest.get(res);
    this.seqs(seq, seq, 'linked');
    const rec = this.bySeq.get(seq);
    if (rec === undefined) return;
    if (stamps !== undefined) Object.assign(rec, stamps);
    rec.client = clientSeq;
  }

  /** A seq reached fan-out (queued to its sinks). */
  fannedOut(seq: number): void {
    this.seqs(seq, seq, 'fanout');
    this.fanned.push(seq);
  }

  /** The scheduled socket flush starts (`end` false) or ended (`end` true) for everything fanned since the last one. */
  flushed(end: boolean): void {
    const t = hrNowMs();
    for (const seq of this.fanned) this.seqs(seq, seq, end ? 'flushEnd' : 'flushStart', t);
    if (end) this.fanned = [];
  }

  private writeOut(all: boolean): void {
    const cutoff = hrNowMs() - WRITE_AFTER_MS;
    const lines: string[] = [];
    for (const [seq, rec] of this.bySeq) {
      const first = rec.recv ?? rec.queued ?? rec.fanout ?? 0;
      if (!all && first > cutoff) continue;
      lines.push(JSON.stringify(rec));
      this.bySeq.delete(seq);
    }
    const elu = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const d = this.delay;
    lines.push(
      JSON.stringify({
        loop: hrNowMs(),
        elu: elu.utilization,
        eld50: d.percentile(50) / 1e6,
        eld99: d.percentile(99) / 1e6,
        eldMax: d.max / 1e6,
      }),
    );
    d.reset();
    if (lines.length > 0) appendFileSync(this.path, `${lines.join('\n')}\n`);
  }
}

const tracePath = process.env.EASEL_STAGE_TRACE;

/** The process's probe, or null (the default: not tracing). */
export const stageTrace: StageTrace | null =
  tracePath !== undefined && tracePath !== '' ? new StageTrace(tracePath) : null;
