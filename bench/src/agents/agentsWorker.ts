/**
 * The agents bench's client process (forked by `agentsBench.ts`, driven over IPC). Lightweight
 * SSE subscribers (node:http, no transport) on one canvas stream and command writers in one
 * process, so send and parse times come from one monotonic clock.
 *
 * 1. Latency: one command at a time, alternating `chat.send` and `token.set` (the baseline);
 *    each timed from the request to its event on the stream (`turn_accepted` / `token_patch`,
 *    matched by `causation_id`). Each sampled turn is cancelled once accepted, so no turn backlog
 *    builds up in the session.
 * 2. Throughput: N subscribers; K agents (one actor each: a session runs its turns one after
 *    another) keep one turn in flight each; chat_token frames parsed by all subscribers are counted
 *    over a window.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { percentile } from '../lib/stats.ts';
import type { AgentsConfig, AgentsRun, CommandLatency, LatencySummary, TokenThroughput } from './AgentsResult.ts';
import { FrameSplitter, PatternCounter, parseFrame } from './sseFrames.ts';
import type { WindowedClientMessage } from '../lib/runWindowedClient.ts';

export interface AgentsSpec {
  baseUrl: string;
  /** `GET /v1/canvases/{id}/events?<scope>`. */
  eventsUrl: string;
  viewerToken: string;
  scope: Record<string, string>;
  /** A string token the latency baseline sets. */
  tokenId: string;
  /** The latency phase's writer (role editor, kind agent). */
  latencyToken: string;
  /** One writer per agent of the throughput phase. */
  turnTokens: string[];
  config: Omit<AgentsConfig, 'rounds'>;
}

export type AgentsWorkerMessage = WindowedClientMessage<AgentsRun>;

const PROMPT = 'stream a reply for the throughput benchmark, nothing on the canvas needs to change today';
const TURN_ENDS = new Set(['commit_succeeded', 'commit_failed', 'turn_cancelled']);
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const send = (message: AgentsWorkerMessage): void => {
  process.send?.(message);
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Reader {
  close(): void;
  lost: boolean;
}

/**
 * Opens one subscriber; resolves once its CANVAS_READY frame arrived whole. Afterwards every
 * chunk goes to `onChunk` (raw bytes), or, with `onFrame`, every whole frame (decoded).
 */
function openReader(
  url: string,
  token: string,
  sink: { onChunk?: (chunk: Buffer) => void; onFrame?: (frame: string) => void },
  timeoutMs = 15_000,
): Promise<Reader> {
  return new Promise((resolve, reject) => {
    let opened = false;
    let closing = false;
    const req = http.get(
      url,
      { agent, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`SSE ${res.statusCode}`));
          return;
        }
        const reader: Reader = {
          lost: false,
          close() {
            closing = true;
            req.destroy();
          },
        };
        let preamble = '';
        const decoder = new StringDecoder('utf8');
        const splitter = new FrameSplitter();
        const deliver = (chunk: Buffer) => {
          if (sink.onFrame) for (const frame of splitter.push(decoder.write(chunk))) sink.onFrame(frame);
          else sink.onChunk?.(chunk);
        };
        res.on('data', (chunk: Buffer) => {
          if (opened) return deliver(chunk);
          preamble += chunk.toString('latin1');
          const at = preamble.indexOf('event: CANVAS_READY');
          const end = at === -1 ? -1 : preamble.indexOf('\n\n', at);
          if (end === -1) return;
          opened = true;
          clearTimeout(timer);
          resolve(reader);
          const rest = Buffer.from(preamble.slice(end + 2), 'latin1');
          preamble = '';
          if (rest.length > 0) deliver(rest);
        });
        res.on('close', () => {
          if (!closing) reader.lost = true;
          if (!opened) reject(new Error('SSE closed before CANVAS_READY'));
        });
      },
    );
    const timer = setTimeout(() => {
      if (!opened) {
        req.destroy();
        reject(new Error(`SSE: no CANVAS_READY within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      if (!opened) reject(error);
    });
  });
}

async function command(
  spec: AgentsSpec,
  token: string,
  commandId: string,
  type: string,
  payload: unknown,
): Promise<{ ok: boolean; json: Record<string, unknown> | null; message: string }> {
  try {
    const res = await fetch(`${spec.baseUrl}/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command_id: commandId, type, scope: spec.scope, payload }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    const json = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : null;
    return { ok: res.status === 200, json, message: `${type}: HTTP ${res.status} ${text.slice(0, 200)}` };
  } catch (error) {
    return { ok: false, json: null, message: `${type}: ${String(error)}` };
  }
}

function summary(values: number[]): LatencySummary {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length > 0 ? Math.max(...values) : Number.NaN,
    n: values.length,
  };
}

/** What subscriber 0 (the parsing one) routes: causation ids to latency waiters, turn ends, token stats. */
class Router {
  readonly arrivals = new Map<string, (t: number) => void>();
  readonly ended = new Map<string, string>();
  readonly endWaiters = new Map<string, (how: string) => void>();
  tokenFrames = 0;
  tokenChars = 0;
  ages: number[] | null = null;

  onFrame(frame: string): void {
    try {
      this.#route(frame);
    } catch {
      // a frame that is not the envelope JSON: not one of ours
    }
  }

  #route(frame: string): void {
    const { event, data } = parseFrame(frame);
    if (event === null || data === '') return;
    const now = performance.now();
    if (event === 'chat_token') {
      this.tokenFrames += 1;
      const env = JSON.parse(data) as { timestamp: string; payload: { text: string } };
      this.tokenChars += env.payload.text.length;
      if (this.ages !== null && this.ages.length < 200_000) this.ages.push(Date.now() - Date.parse(env.timestamp));
      return;
    }
    if (event === 'turn_accepted' || event === 'token_patch') {
      const env = JSON.parse(data) as { causation_id?: string };
      const arrival = env.causation_id === undefined ? undefined : this.arrivals.get(env.causation_id);
      if (arrival) {
        this.arrivals.delete(env.causation_id!);
        arrival(now);
      }
      return;
    }
    if (TURN_ENDS.has(event)) {
      const turnId = (JSON.parse(data) as { payload: { turn_id: string } }).payload.turn_id;
      const waiter = this.endWaiters.get(turnId);
      if (waiter) {
        this.endWaiters.delete(turnId);
        waiter(event);
      } else if (this.ended.size < 10_000) this.ended.set(turnId, event);
    }
  }

  /** Resolves with the event's arrival time, or null after `timeoutMs`. */
  arrival(commandId: string, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.arrivals.delete(commandId);
        resolve(null);
      }, timeoutMs);
      this.arrivals.set(commandId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  /** Resolves with how the turn ended (`commit_succeeded`, …), or `timeout`. */
  turnEnd(turnId: string, timeoutMs: number): Promise<string> {
    const known = this.ended.get(turnId);
    if (known !== undefined) {
      this.ended.delete(turnId);
      return Promise.resolve(known);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.endWaiters.delete(turnId);
        resolve('timeout');
      }, timeoutMs);
      this.endWaiters.set(turnId, (how) => {
        clearTimeout(timer);
        resolve(how);
      });
    });
  }
}

async function measureLatency(
  spec: AgentsSpec,
  router: Router,
): Promise<{ chat: CommandLatency; token: CommandLatency }> {
  const { samples, gapMs, timeoutMs, warmupSamples } = spec.config.latency;
  const series = {
    chat: {
      ack: [] as number[],
      event: [] as number[],
      missed: 0,
      errors: 0,
      firstError: undefined as string | undefined,
    },
    token: {
      ack: [] as number[],
      event: [] as number[],
      missed: 0,
      errors: 0,
      firstError: undefined as string | undefined,
    },
  };
  const run = randomBytes(4).toString('hex');
  for (let i = 0; i < warmupSamples + samples; i++) {
    // Alternate which type goes first, so neither always follows the other.
    const order = i % 2 === 0 ? (['chat', 'token'] as const) : (['token', 'chat'] as const);
    for (const kind of order) {
      const commandId = `bench-${run}-${kind}-${i}`;
      const arrival = router.arrival(commandId, timeoutMs);
      const t0 = performance.now();
      const answer =
        kind === 'chat'
          ? await command(spec, spec.latencyToken, commandId, 'chat.send', { text: `hi ${i}` })
          : await command(spec, spec.latencyToken, commandId, 'token.set', { token_id: spec.tokenId, value: `v${i}` });
      const ack = performance.now() - t0;
      const s = series[kind];
      if (!answer.ok) {
        s.errors += 1;
        s.firstError ??= answer.message;
      }
      const seen = answer.ok ? await arrival : null;
      const turnId = answer.json?.turn_id;
      if (kind === 'chat' && typeof turnId === 'string') {
        await command(spec, spec.latencyToken, `${commandId}-cancel`, 'turn.cancel', { turn_id: turnId });
      }
      if (i < warmupSamples) continue;
      if (answer.ok) s.ack.push(ack);
      if (seen === null) {
        if (answer.ok) s.missed += 1;
      } else s.event.push(seen - t0);
    }
    await sleep(gapMs);
  }
  const out = (s: (typeof series)['chat']): CommandLatency => ({
    ack: summary(s.ack),
    event: summary(s.event),
    missed: s.missed,
    errors: s.errors,
    ...(s.firstError !== undefined ? { firstError: s.firstError } : {}),
  });
  return { chat: out(series.chat), token: out(series.token) };
}

async function measureThroughput(spec: AgentsSpec, router: Router): Promise<TokenThroughput> {
  const cfg = spec.config.throughput;
  const counters: Array<{ frames: number }> = [];
  const readers: Reader[] = [];
  for (let i = 1; i < cfg.subscribers; i++) {
    const counter = new PatternCounter('event: chat_token\n');
    const entry = { frames: 0 };
    counters.push(entry);
    readers.push(
      await openReader(spec.eventsUrl, spec.viewerToken, { onChunk: (c) => (entry.frames += counter.count(c)) }),
    );
  }
  const total = () => router.tokenFrames + counters.reduce((n, c) => n + c.frames, 0);
  let running = true;
  let turnsEnded = 0;
  let failedTurns = 0;
  let errors = 0;
  let firstError: string | undefined;
  const run = randomBytes(4).toString('hex');
  const drivers = spec.turnTokens.slice(0, cfg.turns).map(async (token, k) => {
    for (let n = 0; running && n < 1_000_000; n++) {
      const answer = await command(spec, token, `bench-${run}-a${k}-${n}`, 'chat.send', { text: PROMPT });
      const turnId = answer.json?.turn_id;
      if (!answer.ok || typeof turnId !== 'string') {
        errors += 1;
        firstError ??= answer.message;
        await sleep(100);
        continue;
      }
      const how = await router.turnEnd(turnId, 30_000);
      turnsEnded += 1;
      if (how !== 'commit_succeeded') failedTurns += 1;
    }
  });
  await sleep(cfg.warmupMs);
  router.ages = [];
  const f0 = total();
  const c0 = router.tokenChars;
  const r0 = router.tokenFrames;
  const e0 = turnsEnded;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  send({ type: 'window', edge: 'start' });
  await sleep(cfg.measureMs);
  send({ type: 'window', edge: 'end' });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const frames = total() - f0;
  const perSubscriber = (router.tokenFrames - r0) / seconds;
  const result: TokenThroughput = {
    subscribers: cfg.subscribers,
    turns: cfg.turns,
    windowMs: seconds * 1000,
    framesPerSec: frames / seconds,
    framesPerSecPerSubscriber: perSubscriber,
    charsPerSec: ((router.tokenChars - c0) / seconds) * cfg.subscribers,
    turnsPerSec: (turnsEnded - e0) / seconds,
    tokenAge: summary(router.ages),
    failedTurns,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    lost: readers.filter((r) => r.lost).length,
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
  router.ages = null;
  running = false;
  await Promise.race([Promise.all(drivers), sleep(35_000)]);
  for (const reader of readers) reader.close();
  return result;
}

async function main(spec: AgentsSpec): Promise<AgentsRun> {
  const router = new Router();
  const first = await openReader(spec.eventsUrl, spec.viewerToken, { onFrame: (frame) => router.onFrame(frame) });
  try {
    const latency = await measureLatency(spec, router);
    const throughput = await measureThroughput(spec, router);
    return { ...latency, throughput };
  } finally {
    first.close();
  }
}

process.on('message', (message: { spec: AgentsSpec }) => {
  main(message.spec).then(
    (value) => {
      send({ type: 'result', value });
      setTimeout(() => process.exit(0), 50);
    },
    (error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      setTimeout(() => process.exit(1), 50);
    },
  );
});
