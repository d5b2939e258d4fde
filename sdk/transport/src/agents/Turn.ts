import type { Actor, ModelStatusPayload, StateOp } from '@easel/schemas';
import type { CommandError } from '../commands/CommandError.ts';
import type { SentCommand } from '../commands/CommandSender.ts';
import { Listeners } from '../lib/Listeners.ts';
import type { Result } from '../lib/Result.ts';
import { ReplayStream } from './ReplayStream.ts';

/**
 * Where a turn is: `accepted` (acknowledged, no text yet), `streaming` (tokens arriving),
 * `final` (the full text is in: a preview, nothing applied yet), then one of `committed`,
 * `failed` (nothing applied) or `cancelled` (nothing applied).
 */
export const TURN_STATUSES = ['accepted', 'streaming', 'final', 'committed', 'failed', 'cancelled'] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

/** Why a turn's commit failed (the `commit_failed` error), or `closed` when the transport closed first. */
export interface TurnError {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** How a turn ended. `committed` carries the canvas revision of its commit. */
export type TurnOutcome =
  | { readonly status: 'committed'; readonly revision: number }
  | { readonly status: 'failed'; readonly error: TurnError }
  | { readonly status: 'cancelled'; readonly reason: string };

/** An immutable picture of a turn; a new object after every change (for `useSyncExternalStore`). */
export interface TurnView {
  readonly id: string;
  /** The text that started the turn (`turn_accepted.text`), when the stream showed it. */
  readonly prompt: string | null;
  /** Who sent the `chat.send` (the `turn_accepted` actor). */
  readonly actor: Actor | null;
  readonly sessionId: string | null;
  /** Text so far; the `turn_final` text once it arrived. */
  readonly text: string;
  readonly status: TurnStatus;
  /** The model serving the turn, from the last `model_status`. */
  readonly model: { readonly name: string; readonly status: ModelStatusPayload['status'] } | null;
  /**
   * The canvas change the turn proposed (`turn_final.proposed_ops`), applied only on commit; ops on
   * roots this client may not read are left out by the gateway (then `redacted`).
   */
  readonly proposedOps: readonly StateOp[] | null;
  readonly redacted: boolean;
  readonly outcome: TurnOutcome | null;
  /** True when this client's `chat.send` started it. */
  readonly own: boolean;
}

/** How the chat client feeds a turn; not part of the public surface. */
export interface TurnFeed {
  accepted(prompt: string | null, actor: Actor | null, sessionId: string | null): void;
  model(name: string, status: ModelStatusPayload['status']): void;
  token(index: number, text: string): void;
  final(text: string, proposedOps: readonly StateOp[] | null, redacted?: boolean): void;
  ended(outcome: TurnOutcome): void;
  markOwn(): void;
}

/**
 * One agent turn on a canvas (contract §4, chat group), fed from the canvas stream. `tokens`
 * yields the streamed text deltas in index order (each iterator from the first delta held; it
 * ends with the turn's text, so the deltas always add up to `final`). Promises never reject:
 * `final` resolves with the full text (or the text so far when the turn is cancelled or the
 * transport closes), `outcome` with how the turn ended.
 */
export class Turn {
  readonly id: string;
  /** Text deltas in index order, ending when the text is final (or the turn ended). */
  readonly tokens: AsyncIterable<string>;
  /** The full text (`turn_final`). A preview: the canvas changes only on `committed`. */
  readonly final: Promise<string>;
  /** `committed` (with the revision), `failed` (nothing applied) or `cancelled` (nothing applied). */
  readonly outcome: Promise<TurnOutcome>;
  readonly #cancel: (turnId: string) => Promise<Result<SentCommand, CommandError>>;
  readonly #listeners = new Listeners<[TurnView]>();
  readonly #deltas = new ReplayStream<string>();
  #view: TurnView;
  #lastIndex = -1;
  #resolveFinal!: (text: string) => void;
  #resolveOutcome!: (outcome: TurnOutcome) => void;

  /** Built by the chat client; `feed` receives the functions that move it. */
  constructor(
    id: string,
    cancel: (turnId: string) => Promise<Result<SentCommand, CommandError>>,
    feed: (feed: TurnFeed) => void,
  ) {
    this.id = id;
    this.#cancel = cancel;
    this.tokens = this.#deltas;
    this.final = new Promise((resolve) => {
      this.#resolveFinal = resolve;
    });
    this.outcome = new Promise((resolve) => {
      this.#resolveOutcome = resolve;
    });
    this.#view = {
      id,
      prompt: null,
      actor: null,
      sessionId: null,
      text: '',
      status: 'accepted',
      model: null,
      proposedOps: null,
      redacted: false,
      outcome: null,
      own: false,
    };
    feed({
      accepted: (prompt, actor, sessionId) =>
        this.#update({
          prompt: this.#view.prompt ?? prompt,
          actor: this.#view.actor ?? actor,
          sessionId: this.#view.sessionId ?? sessionId,
        }),
      model: (name, status) => {
        if (!this.#settled) this.#update({ model: { name, status } });
      },
      token: (index, text) => this.#token(index, text),
      final: (text, proposedOps, redacted) => this.#final(text, proposedOps, redacted === true),
      ended: (outcome) => this.#end(outcome),
      markOwn: () => {
        if (!this.#view.own) this.#update({ own: true });
      },
    });
  }

  get status(): TurnStatus {
    return this.#view.status;
  }

  /** The text so far (the final text once it arrived). */
  get text(): string {
    return this.#view.text;
  }

  get view(): TurnView {
    return this.#view;
  }

  /** Called with the new view on every change (tokens included). Returns the unsubscribe. */
  onChange(listener: (view: TurnView) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Sends `turn.cancel`: the stream stops and nothing of the turn is applied. Never rejects. */
  cancel(): Promise<Result<SentCommand, CommandError>> {
    return this.#cancel(this.id);
  }

  get #settled(): boolean {
    return this.#view.outcome !== null;
  }

  #token(index: number, text: string): void {
    // Replays (reconnects, a repeated frame) and anything after the final text are dropped.
    if (this.#settled || this.#view.status === 'final' || index <= this.#lastIndex) return;
    this.#lastIndex = index;
    this.#deltas.push(text);
    this.#update({ text: this.#view.text + text, status: 'streaming' });
  }

  #final(text: string, proposedOps: readonly StateOp[] | null, redacted: boolean): void {
    if (this.#settled || this.#view.status === 'final') return;
    this.#closeDeltas(text);
    this.#update({ text, status: 'final', proposedOps, redacted });
    this.#resolveFinal(text);
  }

  #end(outcome: TurnOutcome): void {
    if (this.#settled) return;
    const text = this.#view.text;
    this.#closeDeltas(text);
    this.#update({ status: outcome.status, outcome });
    this.#resolveFinal(text);
    this.#resolveOutcome(outcome);
  }

  /** Ends the deltas so that they add up to `text` (the part the stream missed comes last). */
  #closeDeltas(text: string): void {
    if (this.#deltas.ended) return;
    const sent = this.#view.text;
    if (text.length > sent.length && text.startsWith(sent)) this.#deltas.push(text.slice(sent.length));
    this.#deltas.end();
  }

  #update(change: Partial<TurnView>): void {
    this.#view = { ...this.#view, ...change };
    this.#listeners.emit(this.#view);
  }
}
