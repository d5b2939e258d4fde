import type { RunInfo, Scope } from '@easel/schemas';
import { ReplayStream } from '../agents/ReplayStream.ts';
import type { ConnectionStatus } from '../connection/ConnectionMachine.ts';
import type { BackoffTier } from '../connection/backoff.ts';
import { Listeners } from '../lib/Listeners.ts';
import { RecentIds } from '../lib/RecentIds.ts';
import type { ApiContext, ApiError } from '../lib/requestJson.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import { scopeQuery } from '../scopeQuery.ts';
import { type ProtocolError, SseReader } from '../sse/SseReader.ts';
import { type AnyEvent, envelopeParsing } from '../sse/parseEnvelope.ts';
import { REST_KIT } from '../lib/restKit.ts';
import type { RunVerdictEvent } from './runInfo.ts';

export interface RunOptions extends ApiContext {
  readonly runId: string;
  /** The run's scope (`canvas_id` is not sent: the run id names the run). */
  readonly scope: Scope;
  /** Resume position of the run stream (a cursor saved earlier); default: from the run's start. */
  readonly cursor?: string | null;
  /** Events kept for late iterators (older ones are dropped). Default 10 000. */
  readonly maxEvents?: number;
  readonly idleTimeoutMs?: number;
  readonly tiers?: readonly BackoffTier[];
}

/**
 * One agent run (contract §10): its event stream `/v1/runs/{run_id}/events` (resumable with
 * `Last-Event-ID`, replays skipped, telemetry deduplicated by `event_id`), read from the moment the
 * `Run` exists until the verdict (then the stream is closed) or `close()`.
 */
export class Run {
  readonly id: string;
  /** Every event of the run (envelopes: `run_started`, `run_event`, canvas events it caused, …). */
  readonly events: AsyncIterable<AnyEvent>;
  /** Resolves with the durable verdict (`pass`, `fail`, `stopped`, `refused`). */
  readonly verdict: Promise<RunVerdictEvent>;
  /**
   * Resolves with the verdict, or with why none can come: `forbidden` / `unauthenticated` (the
   * stream was refused), `not_found` (no such run), `closed` (`close()` first). Never rejects.
   */
  readonly done: Promise<Result<RunVerdictEvent, ApiError>>;
  readonly #options: RunOptions;
  readonly #reader: SseReader<AnyEvent>;
  readonly #stream: ReplayStream<AnyEvent>;
  readonly #listeners = new Listeners<[AnyEvent]>();
  readonly #seen = new RecentIds();
  readonly #protocolErrors = new Listeners<[ProtocolError]>();
  #resolveVerdict!: (verdict: RunVerdictEvent) => void;
  #resolveDone!: (result: Result<RunVerdictEvent, ApiError>) => void;
  #settled: Result<RunVerdictEvent, ApiError> | null = null;

  constructor(options: RunOptions) {
    this.#options = options;
    this.id = options.runId;
    this.#stream = new ReplayStream(options.maxEvents ?? 10_000);
    this.events = this.#stream;
    this.verdict = new Promise((resolve) => {
      this.#resolveVerdict = resolve;
    });
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    const path = `/v1/runs/${encodeURIComponent(options.runId)}/events?${scopeQuery(options.scope)}`;
    this.#reader = new SseReader<AnyEvent>({
      deps: options.deps,
      baseUrl: options.baseUrl,
      token: options.token,
      path: () => path,
      ...envelopeParsing(options.deps.validate),
      onEvent: (event) => this.#onEvent(event),
      onProtocolError: (error) => this.#protocolErrors.emit(error),
      // A run stream has no CANVAS_READY to announce a reset: a new epoch is adopted.
      epochChange: 'adopt',
      cursor: options.cursor,
      idleTimeoutMs: options.idleTimeoutMs,
      tiers: options.tiers,
    });
    this.#reader.onStatus((status) => this.#onStatus(status));
    this.#reader.start();
  }

  /** The stream's connection status (`closed` once the verdict arrived). */
  get status(): ConnectionStatus {
    return this.#reader.status;
  }

  /** The last durable position of the run stream (save it to resume with `runs.open`). */
  get cursor(): string | null {
    return this.#reader.cursor;
  }

  /** The verdict once it arrived (null before). */
  get verdictNow(): RunVerdictEvent | null {
    return this.#settled?.ok ? this.#settled.value : null;
  }

  /** Each event as it arrives (the ones before the call are in `events`). */
  onEvent(listener: (event: AnyEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#reader.onStatus(listener);
  }

  /** A frame of the run stream was skipped as malformed (never fatal). */
  onProtocolError(listener: (error: ProtocolError) => void): () => void {
    return this.#protocolErrors.add(listener);
  }

  /** `GET /v1/runs/{run_id}`: status, task, usage, verdict and the revisions the run made. */
  async get(): Promise<Result<RunInfo, ApiError>> {
    const { getRun } = await import('../lib/restCalls.ts');
    return getRun(REST_KIT, this.#options, this.id, this.#options.scope);
  }

  /** Stops reading the stream; `events` ends and `done` resolves with `closed` unless the verdict came. */
  close(): void {
    this.#finish(err({ code: 'closed', message: 'run stream closed before a verdict' }));
  }

  #onEvent(event: AnyEvent): void {
    if (this.#settled !== null) return;
    if (!this.#seen.first(event.event_id)) return;
    this.#stream.push(event);
    this.#listeners.emit(event);
    const payload = event.payload as { kind?: unknown };
    if (event.type === 'run_event' && payload.kind === 'verdict') {
      const verdict = event.payload as RunVerdictEvent;
      this.#resolveVerdict(verdict);
      this.#finish(ok(verdict));
    }
  }

  #onStatus(status: ConnectionStatus): void {
    const failure = this.#reader.machine.lastFailure;
    const code =
      status === 'unauthorized'
        ? 'unauthenticated'
        : status === 'forbidden'
          ? status
          : failure?.kind === 'not_found'
            ? 'not_found'
            : null;
    // (`#finish` acts once. The reader's message of a refusal starts with the gateway's code: the code once.)
    if (code)
      this.#finish(err({ code, message: (failure?.message ?? `run stream ${status}`).replace(`${code}: `, '') }));
  }

  #finish(result: Result<RunVerdictEvent, ApiError>): void {
    if (this.#settled !== null) return;
    this.#settled = result;
    this.#reader.close();
    this.#stream.end();
    this.#resolveDone(result);
  }
}
