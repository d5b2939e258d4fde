import type { CommandType, EventPayloads } from '@easel/schemas';
import type { CommandError } from '../commands/CommandError.ts';
import type { SendOptions, SentCommand } from '../commands/CommandSender.ts';
import { Listeners } from '../lib/Listeners.ts';
import { RecentIds } from '../lib/RecentIds.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import type { AnyEvent } from '../sse/parseEnvelope.ts';
import { Turn, type TurnFeed } from './Turn.ts';

/** The event types of the chat group (contract §4) a turn is built from. */
export const TURN_EVENT_TYPES = [
  'turn_accepted',
  'model_status',
  'chat_token',
  'turn_final',
  'turn_cancelled',
  'commit_succeeded',
  'commit_failed',
] as const;
type TurnEventType = (typeof TURN_EVENT_TYPES)[number];
const TURN_EVENTS = new Set<string>(TURN_EVENT_TYPES);

export interface ChatClientOptions {
  /** Sends one command with the canvas scope (the transport's `send`). */
  readonly send: (
    type: CommandType,
    payload: unknown,
    options?: SendOptions,
  ) => Promise<Result<SentCommand, CommandError>>;
  /** Subscribes to every event the canvas stream delivers (the transport's `onEvent('*')`). */
  readonly onEvent: (listener: (event: AnyEvent) => void) => () => void;
  /** Read-your-writes (the transport's `awaitCursor`): used when an outcome lacks `turn_id`. */
  readonly awaitCursor?: (cursor: string, options?: { timeoutMs?: number }) => Promise<Result<string, CommandError>>;
  /** Turns kept for `turns()` (finished ones are dropped first). Default 100. */
  readonly maxTurns?: number;
}

/** Remembered command ids (`chat.send` outcomes without `turn_id`). */
const REMEMBERED_COMMANDS = 4096;

/**
 * Agent turns on one canvas, from the canvas stream the transport already reads: `send(text)`
 * starts one (`chat.send`) and returns its {@link Turn}; `onTurn` reports every turn on the
 * canvas, whoever started it. Events are deduplicated by `event_id`, tokens by `index`.
 */
export class ChatClient {
  readonly #options: ChatClientOptions;
  readonly #turns = new Map<string, { turn: Turn; feed: TurnFeed }>();
  readonly #byCommand = new Map<string, string>();
  readonly #seen = new RecentIds();
  readonly #turnListeners = new Listeners<[Turn]>();
  readonly #unsubscribe: () => void;

  constructor(options: ChatClientOptions) {
    this.#options = options;
    this.#unsubscribe = options.onEvent((event) => this.#onEvent(event));
  }

  /**
   * Sends `chat.send` with `text` and resolves with the turn it started (its id from the
   * command outcome), or with why it was refused (`forbidden`, `validation_failed`, `network`, …).
   * Tokens and the outcome arrive on the canvas stream: connect the transport first.
   */
  async send(text: string, options?: SendOptions): Promise<Result<Turn, CommandError>> {
    const sent = await this.#options.send('chat.send', { text }, options);
    if (!sent.ok) return sent;
    let turnId = sent.value.turn_id ?? this.#byCommand.get(sent.value.commandId);
    if (turnId === undefined && this.#options.awaitCursor) {
      // An older gateway without the `turn_id` extension: find the turn by its causing command.
      const reached = await this.#options.awaitCursor(sent.value.cursor);
      if (reached.ok) turnId = this.#byCommand.get(sent.value.commandId);
    }
    if (turnId === undefined) {
      return err({
        code: 'protocol',
        message: 'chat.send: no turn_id and no matching turn_accepted',
      });
    }
    const entry = this.#entry(turnId);
    entry.feed.markOwn();
    return ok(entry.turn);
  }

  /** Sends `turn.cancel` for `turnId` (any turn this actor may cancel). Never rejects. */
  cancel(turnId: string, options?: SendOptions): Promise<Result<SentCommand, CommandError>> {
    return this.#options.send('turn.cancel', { turn_id: turnId }, options);
  }

  /** Called once per turn, when this client first hears of it (its own turns included). */
  onTurn(listener: (turn: Turn) => void): () => void {
    return this.#turnListeners.add(listener);
  }

  /** Turns heard of, oldest first (at most `maxTurns`, finished ones dropped first). */
  turns(): Turn[] {
    return [...this.#turns.values()].map((e) => e.turn);
  }

  get(turnId: string): Turn | undefined {
    return this.#turns.get(turnId)?.turn;
  }

  /**
   * Ends every turn without an outcome as `failed` with code `closed` (the transport closed: their
   * events can no longer arrive). Keeps listening, so turns after a later `connect()` are heard.
   */
  close(): void {
    for (const { feed } of this.#turns.values()) {
      feed.ended({
        status: 'failed',
        error: { code: 'closed', message: 'transport closed before the turn ended' },
      });
    }
  }

  /** Stops listening to the stream for good. */
  dispose(): void {
    this.close();
    this.#unsubscribe();
  }

  #onEvent(event: AnyEvent): void {
    if (!TURN_EVENTS.has(event.type)) return;
    if (!this.#seen.first(event.event_id)) return;
    const type = event.type as TurnEventType;
    const payload = event.payload as EventPayloads[TurnEventType] & { turn_id?: string };
    const turnId = payload.turn_id ?? event.turn_id;
    if (turnId === undefined) return; // a model_status about no turn
    if (type === 'turn_accepted' && event.causation_id !== undefined) this.#remember(event.causation_id, turnId);
    const { feed } = this.#entry(turnId);
    switch (type) {
      case 'turn_accepted': {
        const text = (payload as EventPayloads['turn_accepted']).text;
        feed.accepted(text ?? null, event.actor, event.session_id ?? null);
        break;
      }
      case 'model_status': {
        const status = payload as EventPayloads['model_status'];
        feed.model(status.model, status.status);
        break;
      }
      case 'chat_token': {
        const token = payload as EventPayloads['chat_token'];
        feed.token(token.index, token.text);
        break;
      }
      case 'turn_final': {
        const final = payload as EventPayloads['turn_final'];
        feed.final(final.text, final.proposed_ops ?? null, final.redacted === true);
        break;
      }
      case 'commit_succeeded':
        feed.ended({ status: 'committed', revision: (payload as EventPayloads['commit_succeeded']).revision });
        break;
      case 'commit_failed': {
        const { error } = payload as EventPayloads['commit_failed'];
        feed.ended({
          status: 'failed',
          error: {
            code: error.code,
            message: error.message,
            ...(error.details !== undefined ? { details: error.details } : {}),
          },
        });
        break;
      }
      case 'turn_cancelled':
        feed.ended({ status: 'cancelled', reason: (payload as EventPayloads['turn_cancelled']).reason ?? 'cancelled' });
        break;
    }
  }

  /** The turn for `turnId`, created (and announced) on first sight. */
  #entry(turnId: string): { turn: Turn; feed: TurnFeed } {
    const known = this.#turns.get(turnId);
    if (known) return known;
    let feed!: TurnFeed;
    const turn = new Turn(
      turnId,
      (id) => this.cancel(id),
      (f) => {
        feed = f;
      },
    );
    const entry = { turn, feed };
    this.#turns.set(turnId, entry);
    this.#evict();
    this.#turnListeners.emit(turn);
    return entry;
  }

  #evict(): void {
    const max = this.#options.maxTurns ?? 100;
    // (Each loop stops at once when there are not too many.)
    for (const [id, { turn }] of this.#turns) {
      if (this.#turns.size <= max) return;
      if (turn.view.outcome !== null) this.#turns.delete(id);
    }
    // Every turn is still running: drop the oldest anyway, so memory stays bounded.
    for (const id of this.#turns.keys()) {
      if (this.#turns.size <= max) return;
      this.#turns.delete(id);
    }
  }

  #remember(commandId: string, turnId: string): void {
    this.#byCommand.set(commandId, turnId);
    if (this.#byCommand.size > REMEMBERED_COMMANDS) {
      const oldest = this.#byCommand.keys().next().value;
      if (oldest !== undefined) this.#byCommand.delete(oldest);
    }
  }
}
