import type { RunInfo, Scope } from '@easel/schemas';
import type { BackoffTier } from '../connection/backoff.ts';
import type { ApiContext, ApiError } from '../lib/requestJson.ts';
import { type Result, ok } from '../lib/Result.ts';
import { REST_KIT } from '../lib/restKit.ts';
import { Run } from './Run.ts';
import type { RunTask } from './runInfo.ts';

export interface RunsClientOptions extends ApiContext {
  /** The scope runs are created in (a canvas scope: the run works on that canvas). */
  readonly scope: () => Scope;
  readonly idleTimeoutMs?: number;
  readonly tiers?: readonly BackoffTier[];
}

/** Per-call options of {@link RunsClient.create} and {@link RunsClient.open}. */
export interface RunCallOptions {
  /** Another scope than the client's (e.g. another canvas of the project). */
  readonly scope?: Scope;
  /** Resume the run stream after this cursor (`open` only). */
  readonly cursor?: string | null;
  /** Events a `Run` keeps for late iterators (default 10 000). */
  readonly maxEvents?: number;
}

/**
 * Agent runs (contract §10): `create(task)` (`POST /v1/runs`) and `open(runId)` give a {@link Run}
 * that streams the run's events until its verdict; `get(runId)` reads its status. Never rejects.
 */
export class RunsClient {
  readonly #options: RunsClientOptions;
  readonly #open = new Set<Run>();

  constructor(options: RunsClientOptions) {
    this.#options = options;
  }

  /**
   * Starts a run: 201 `{run_id}`, then its event stream opens. Refusals come back as values:
   * `validation_failed` naming the path of the bad TaskSpec field, `forbidden` (the lens refuses
   * `run.create`), `not_found` (no such canvas), … A POST is not retried (a retry would start a
   * second run).
   */
  async create(task: RunTask, options: RunCallOptions = {}): Promise<Result<Run, ApiError>> {
    const scope = options.scope ?? this.#options.scope();
    const { createRun } = await import('../lib/restCalls.ts');
    const created = await createRun(REST_KIT, this.#options, scope, task);
    return created.ok ? ok(this.open(created.value, { ...options, scope })) : created;
  }

  /** A run by id (e.g. one another client started): its stream opens at once. */
  open(runId: string, options: RunCallOptions = {}): Run {
    const run = new Run({
      deps: this.#options.deps,
      baseUrl: this.#options.baseUrl,
      token: this.#options.token,
      runId,
      scope: options.scope ?? this.#options.scope(),
      requestTimeoutMs: this.#options.requestTimeoutMs,
      cursor: options.cursor,
      maxEvents: options.maxEvents,
      idleTimeoutMs: this.#options.idleTimeoutMs,
      tiers: this.#options.tiers,
    });
    this.#open.add(run);
    void run.done.then(() => this.#open.delete(run));
    return run;
  }

  /** Closes the stream of every run still open (their `done` resolves with `closed`). */
  close(): void {
    for (const run of [...this.#open]) run.close();
  }

  /** `GET /v1/runs/{run_id}` without opening its stream. */
  async get(runId: string, options: { scope?: Scope } = {}): Promise<Result<RunInfo, ApiError>> {
    const { getRun } = await import('../lib/restCalls.ts');
    return getRun(REST_KIT, this.#options, runId, options.scope ?? this.#options.scope());
  }
}
