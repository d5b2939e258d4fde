import type { BatchItemOutcome, CanvasScope, CommandOutcome, CommandType, Scope } from '@easel/schemas';
import type { BackoffTier } from '../connection/backoff.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import type { Deps } from '../lib/deps.ts';
import { type WhenOnline, requestJson } from '../lib/requestJson.ts';
import type { TokenSource } from '../lib/token.ts';
import { ulid } from '../lib/ulid.ts';
import { answerParser, describeIssues } from '../lib/validation.ts';
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
  /** See `RequestJsonOptions.whenOnline`: attempts made while the gateway is unreachable are not counted. */
  readonly whenOnline?: WhenOnline;
}

/** What a successful send carries besides the outcome. */
export interface SentCommand extends CommandOutcome {
  readonly commandId: string;
}

/**
 * Sends commands over `POST /v1/commands` (and `:batch`). Never rejects: every answer is a
 * `Result`. Network errors, 429 and 503 are retried with backoff under the **same**
 * `command_id`, so a retry of a command that was in fact applied comes back as `duplicate`;
 * other 4xx are final; a 401 is retried once with a freshly acquired token. With `whenOnline`,
 * an attempt that got no answer while the gateway is unreachable is not counted (see there).
 */
export class CommandSender {
  readonly #options: CommandSenderOptions;
  /** Aborted by `close()`: ends requests in flight and waits between attempts. */
  #controller = new AbortController();

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
    // (`expected_revision: undefined` is left out by JSON.stringify, as in `batch`.)
    const body = {
      command_id: commandId,
      type,
      scope: this.#options.scope(),
      payload,
      expected_revision: options.expectedRevision,
    };
    const answer = await this.#post('/v1/commands', body, options.maxAttempts);
    if (!answer.ok) return answer;
    const parser = await answerParser(this.#options.deps.validate, 'commandOutcome');
    const outcome = parser.safeParse(answer.value);
    if (!outcome.success) {
      return err({
        code: 'protocol',
        message: `bad command outcome: ${describeIssues(outcome.error)}`,
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
        expected_revision: c.expectedRevision,
      })),
    };
    const answer = await this.#post('/v1/commands:batch', body, options.maxAttempts);
    if (!answer.ok) return answer;
    const parser = await answerParser(this.#options.deps.validate, 'batchResponse');
    const parsed = parser.safeParse(answer.value);
    if (!parsed.success || parsed.data.outcomes.length !== commands.length) {
      return err({
        code: 'protocol',
        message: 'the batch answer is not one outcome per command',
      });
    }
    return ok(parsed.data.outcomes.map((o, i) => ({ ...o, commandId: ids[i]! })));
  }

  /** Aborts requests in flight and ends pending retries with `closed`. */
  close(): void {
    this.#controller.abort();
  }

  /** Re-opens a closed sender (the transport's `connect()` after `close()`). */
  reopen(): void {
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
  }

  /** One idempotent POST (retried under the same command id), through {@link requestJson}. */
  async #post(path: string, body: unknown, maxAttempts?: number): Promise<Result<unknown, CommandError>> {
    const { deps, baseUrl, token, requestTimeoutMs, tiers, whenOnline } = this.#options;
    const answer = await requestJson(
      { deps, baseUrl, token, requestTimeoutMs },
      {
        method: 'POST',
        path,
        body,
        attempts: maxAttempts ?? this.#options.maxAttempts ?? 6,
        idempotent: true,
        signal: this.#controller.signal,
        tiers,
        whenOnline,
      },
    );
    return answer.ok || answer.error.code !== 'closed'
      ? answer
      : err({ code: 'closed', message: 'the transport was closed' });
  }
}
