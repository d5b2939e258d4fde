import http from 'node:http';
import type { WriterSpec } from '../client/protocol.ts';
import { markedValue } from '../lib/payload.ts';

/**
 * One `token.set` at a time, numbered 0, 1, 2, … in the value (`@@seq=<n>;`), paced at
 * `ratePerSec`. A command that gets no 2xx (refused connection while the gateway is down, a reset,
 * 503) is sent again under the same `command_id` until it is acknowledged, so the log holds every
 * number exactly once, in order, and `acked` is the highest number acknowledged.
 */
export class SequentialWriter {
  /** Highest acknowledged number (−1: none yet). */
  acked = -1;
  /** Attempts that got no acknowledgement (and were retried). */
  retries = 0;
  private running = false;
  private stoppedAt = 0;
  private loop: Promise<void> | null = null;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly target: URL;

  constructor(
    private readonly spec: WriterSpec & { body: { kind: 'easel' } },
    private readonly ratePerSec: number,
  ) {
    this.target = new URL(spec.url);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the command in flight is acknowledged, or after 5 s of failed retries. */
  async stop(): Promise<void> {
    if (this.running) this.stoppedAt = performance.now();
    this.running = false;
    await this.loop;
    this.agent.destroy();
  }

  private async run(): Promise<void> {
    const gapMs = 1000 / this.ratePerSec;
    let due = performance.now();
    for (let seq = 0; this.running; seq++) {
      for (;;) {
        if (await this.send(seq)) break;
        this.retries += 1;
        if (!this.running && performance.now() - this.stoppedAt > 5000) return;
        await sleep(25);
      }
      this.acked = seq;
      due += gapMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else due = performance.now();
    }
  }

  private send(seq: number): Promise<boolean> {
    const body = this.spec.body;
    const tokenId = body.tokenIds[seq % body.tokenIds.length]!;
    const payload = JSON.stringify({
      command_id: `${body.runId}-${seq}`,
      type: 'token.set',
      scope: body.scope,
      payload: { token_id: tokenId, value: markedValue(seq, tokenId) },
    });
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.agent,
          method: 'POST',
          hostname: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          timeout: 5000,
          headers: {
            ...this.spec.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300));
          res.on('error', () => resolve(false));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(false));
      req.end(payload);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
