import http from 'node:http';
import { markedValue, publishBody } from '../lib/payload.ts';
import type { WriterSpec } from './protocol.ts';

/** Counters of one writer pool. */
export interface WriterCounters {
  sent: number;
  acks: number;
  errors: number;
  skipped: number;
  firstError?: string;
}

/** Open-loop scheduler period. */
const TICK_MS = 2;

/**
 * W writers posting updates over keep-alive connections: closed loop (each writer posts its next
 * update when the previous one is acknowledged) or open loop at a fixed offered rate with at most
 * W requests in flight (slots that find W in flight are skipped and counted).
 */
export class WriterPool {
  readonly counters: WriterCounters = { sent: 0, acks: 0, errors: 0, skipped: 0 };
  private readonly agent: http.Agent;
  private readonly target: URL;
  private inFlight = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly spec: WriterSpec,
    private readonly concurrency: number,
    private readonly nextSeq: () => number,
    /** Called with the sequence number just before its request is issued. */
    private readonly onSend: ((seq: number) => void) | null,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    this.target = new URL(spec.url);
  }

  start(ratePerSec?: number): void {
    this.running = true;
    if (ratePerSec === undefined) {
      for (let i = 0; i < this.concurrency; i++) this.issue(true);
      return;
    }
    const startedAt = performance.now();
    let issued = 0;
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - startedAt) / 1000) * ratePerSec) - issued;
      for (let i = 0; i < due; i++) {
        issued += 1;
        if (this.inFlight >= this.concurrency) this.counters.skipped += 1;
        else this.issue(false);
      }
    }, TICK_MS);
  }

  /** Stops issuing and resolves when nothing is in flight (or after `timeoutMs`). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.agent.destroy();
  }

  private body(seq: number): string {
    const body = this.spec.body;
    if (body.kind === 'publish') return publishBody(seq);
    const tokenId = body.tokenIds[seq % body.tokenIds.length]!;
    return JSON.stringify({
      command_id: `${body.runId}-${seq}`,
      type: 'token.set',
      scope: body.scope,
      payload: { token_id: tokenId, value: markedValue(seq, tokenId) },
    });
  }

  private issue(loop: boolean): void {
    const seq = this.nextSeq();
    const payload = this.body(seq);
    this.inFlight += 1;
    this.counters.sent += 1;
    this.onSend?.(seq);
    let settled = false;
    const finish = (ok: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      this.done(ok, error, loop);
    };
    const req = http.request(
      {
        agent: this.agent,
        method: 'POST',
        hostname: this.target.hostname,
        port: this.target.port,
        path: this.target.pathname + this.target.search,
        headers: {
          ...this.spec.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          if (!ok && text.length < 400) text += chunk.toString('utf8');
        });
        res.on('end', () => finish(ok, ok ? undefined : `HTTP ${res.statusCode} ${text.slice(0, 300)}`));
        res.on('error', (error) => finish(false, String(error)));
      },
    );
    req.on('error', (error) => finish(false, String(error)));
    req.end(payload);
  }

  private done(ok: boolean, error: string | undefined, loop: boolean): void {
    this.inFlight -= 1;
    if (ok) this.counters.acks += 1;
    else {
      this.counters.errors += 1;
      this.counters.firstError ??= error;
    }
    if (loop && this.running) {
      // After an error, back off a little so a failing server does not spin the client.
      if (ok) this.issue(true);
      else setTimeout(() => this.running && this.issue(true), 20);
      return;
    }
    if (this.inFlight === 0 && !this.running) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}
