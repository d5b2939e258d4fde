import type { BatchItemOutcome, CanvasScope, CommandOutcome, CommandType, Scope } from '@easel/schemas';
import { batchResponseGuard, commandOutcomeGuard } from '@easel/schemas/guards';
import { BACKOFF_TIERS, type BackoffTier, backoffDelay } from '../connection/backoff.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import type { Deps } from '../lib/deps.ts';
import { readHttpError } from '../lib/httpError.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { ulid } from '../lib/ulid.ts';
import { describeIssues, parserFor } from '../lib/validation.ts';
import type { CommandError } from './CommandError.ts';

/** Per-command options. */
export interface SendOptions {
  /** Optimistic concurrency: refused with 409 `conflict` unless the canvas is at this revision. */
  readonly expectedRevision?: number;
  /** The idempotency key; generated (ULID) when absent. Re-use it to retry a command safely. */
  readonly commandId?: string;
  /** Attempts before giving up on network errors, 429 and 503 (default: the sender's). */
  readonly maxAttempts?: number;
}

/** One command of a batch. */
export interface BatchCommand {
  readonly type: CommandType;
  readonly payload: unknown;
  readonly expectedRevision?: number;
  readonly commandId?: string;
}

export interface CommandSenderOptions {
  readonly deps: Deps;
  readonly baseUrl: string;
  readonly token: TokenSource;
  /** The scope every command carries. */
  readonly scope: () => CanvasScope | Scope;
  /** Attempts per command (default 6). */
  readonly maxAttempts?: number;
  /** Abort one HTTP attempt after this long and retry it (default 30 000 ms). */
  readonly requestTimeoutMs?: number;
  readonly tiers?: readonly BackoffTier[];
}

/** What a successful send carries besides the outcome. */
export interface SentCommand extends CommandOutcome {
  readonly commandId: string;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Sends commands over `POST /v1/commands` (and `:batch`). Never rejects: every answer is a
 * `Result`. Network errors, 429 and 503 are retried with backoff under the **same**
 * `command_id`, so a retry of a command that was in fact applied comes back as `duplicate`;
 * other 4xx are final; a 401 is retried once with a freshly acquired token.
 */
export class CommandSender {
  readonly #options: CommandSenderOptions;
  readonly #inFlight = new Set<AbortController>();
  readonly #waits = new Set<{ timer: unknown; resolve: () => void }>();
  #closed = false;

  constructor(options: CommandSenderOptions) {
    this.#options = options;
  }

  /** A fresh command id (ULID). */
  newCommandId(): string {
    return ulid(this.#options.deps.now(), this.#options.deps.random);
  }

  async send(
    type: CommandType,
    payload: unknown,
    options: SendOptions = {},
  ): Promise<Result<SentCommand, CommandError>> {
    const commandId = options.commandId ?? this.newCommandId();
    const body: Record<string, unknown> = { command_id: commandId, type, scope: this.#options.scope(), payload };
    if (options.expectedRevision !== undefined) body.expected_revision = options.expectedRevision;
    const answer = await this.#post('/v1/commands', body, options.maxAttempts);
    if (!answer.ok) return answer;
    const parser = await parserFor(this.#options.deps.validate, commandOutcomeGuard, 'commandOutcomeSchema');
    const outcome = parser.safeParse(answer.value);
    if (!outcome.success) {
      return err({
        code: 'protocol',
        message: `the command outcome is not {status, cursor, revision}: ${describeIssues(outcome.error)}`,
      });
    }
    return ok({ ...outcome.data, commandId });
  }

  /** `POST /v1/commands:batch`: one outcome per command, in order (an item may be `rejected`). */
  async batch(
    commands: readonly BatchCommand[],
    options: { maxAttempts?: number } = {},
  ): Promise<Result<Array<BatchItemOutcome & { commandId: string }>, CommandError>> {
    const scope = this.#options.scope();
    const ids = commands.map((c) => c.commandId ?? this.newCommandId());
    const body = {
      commands: commands.map((c, i) => ({
        command_id: ids[i],
        type: c.type,
        scope,
        payload: c.payload,
        ...(c.expectedRevision !== undefined ? { expected_revision: c.expectedRevision } : {}),
      })),
    };
    const answer = await this.#post('/v1/commands:batch', body, options.maxAttempts);
    if (!answer.ok) return answer;
    const parser = await parserFor(this.#options.deps.validate, batchResponseGuard, 'batchResponseSchema');
    const parsed = parser.safeParse(answer.value);
    if (!parsed.success || parsed.data.outcomes.length !== commands.length) {
      return err({
        code: 'protocol',
        message: 'the batch answer is not {outcomes: [...]} with one outcome per command',
      });
    }
    return ok(parsed.data.outcomes.map((o, i) => ({ ...o, commandId: ids[i]! })));
  }

  /** Aborts requests in flight and ends pending retries with `closed`. */
  close(): void {
    this.#closed = true;
    for (const controller of this.#inFlight) controller.abort();
    for (const wait of this.#waits) {
      this.#options.deps.timers.clearTimeout(wait.timer);
      wait.resolve();
    }
    this.#waits.clear();
  }

  /** Re-opens a closed sender (the transport's `connect()` after `close()`). */
  reopen(): void {
    this.#closed = false;
  }

  async #post(path: string, body: unknown, maxAttemptsOverride?: number): Promise<Result<unknown, CommandError>> {
    const { deps } = this.#options;
    const maxAttempts = Math.max(1, maxAttemptsOverride ?? this.#options.maxAttempts ?? 6);
    const text = JSON.stringify(body);
    let reauthorized = false;
    let last: CommandError = { code: 'network', message: 'not sent' };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.#closed) return err({ code: 'closed', message: 'the transport was closed' });
      const token = await resolveToken(this.#options.token);
      if (!token.ok) return err({ code: 'unauthenticated', message: token.message });
      const controller = new AbortController();
      this.#inFlight.add(controller);
      const timeout = deps.timers.setTimeout(() => controller.abort(), this.#options.requestTimeoutMs ?? 30_000);
      let retryAfterMs: number | undefined;
      try {
        const response = await deps.fetch(this.#options.baseUrl + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token.value}` },
          body: text,
          signal: controller.signal,
        });
        if (response.ok) {
          const json = await response.json().then(
            (value: unknown) => ({ ok: true as const, value }),
            () => ({ ok: false as const }),
          );
          if (json.ok) return ok(json.value);
          // The body broke off or is not JSON: the command may have been applied; a retry finds out.
          last = { code: 'network', message: 'the answer broke off', status: response.status };
          throw new AnswerBrokeOff();
        }
        const info = await readHttpError(response, deps.now(), deps.validate);
        last = {
          code: info.code,
          message: info.message,
          status: info.status,
          ...(info.details !== undefined ? { details: info.details } : {}),
          ...(info.requestId !== undefined ? { requestId: info.requestId } : {}),
        };
        if (response.status === 401 && !reauthorized && typeof this.#options.token === 'function') {
          reauthorized = true;
          attempt -= 1; // the re-authorized attempt does not count
          continue;
        }
        if (!RETRY_STATUSES.has(response.status)) return err(last);
        retryAfterMs = info.retryAfterMs;
      } catch (error) {
        if (this.#closed) return err({ code: 'closed', message: 'the transport was closed' });
        if (!(error instanceof AnswerBrokeOff)) {
          last = { code: 'network', message: error instanceof Error ? error.message : String(error) };
        }
      } finally {
        deps.timers.clearTimeout(timeout);
        this.#inFlight.delete(controller);
      }
      if (attempt < maxAttempts) {
        const delay = backoffDelay(attempt, deps.random, retryAfterMs ?? null, this.#options.tiers ?? BACKOFF_TIERS);
        deps.logger.debug?.('retrying a command', { path, attempt, delayMs: delay.ms, reason: last.message });
        await this.#sleep(delay.ms);
      }
    }
    return err(last);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wait = {
        timer: null as unknown,
        resolve: () => {
          this.#waits.delete(wait);
          resolve();
        },
      };
      wait.timer = this.#options.deps.timers.setTimeout(wait.resolve, ms);
      this.#waits.add(wait);
    });
  }
}

class AnswerBrokeOff extends Error {}
