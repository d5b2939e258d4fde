import type { RealtimeMessage, Scope } from '@easel/schemas';
import { realtimeMessageGuard } from '@easel/schemas/guards';
import type { ConnectionStatus } from '../connection/ConnectionMachine.ts';
import { Listeners } from '../lib/Listeners.ts';
import type { Deps } from '../lib/deps.ts';
import type { TokenSource } from '../lib/token.ts';
import { type FrameParse, type ProtocolError, SseReader } from '../sse/SseReader.ts';
import {
  type AnyEvent,
  type FrameParser,
  frameParsing,
  parseEnvelope,
  zodEnvelopeParser,
} from '../sse/parseEnvelope.ts';
import type { Parser } from '../lib/validation.ts';
import type { SseFrame } from '../sse/readEventStream.ts';
import { scopeQuery } from '../scopeQuery.ts';

/** A `/v1/realtime` message: `{type, payload, timestamp}` (an envelope, when the gateway sends one). */
export type RealtimeEvent = RealtimeMessage & Partial<AnyEvent>;

export interface RealtimeClientOptions {
  readonly deps: Deps;
  readonly baseUrl: string;
  readonly token: TokenSource;
  /** The project scope (no `canvas_id`). */
  readonly scope: Omit<Scope, 'canvas_id'>;
  /** Resume position. */
  readonly cursor?: string | null;
  readonly idleTimeoutMs?: number;
}

/** An envelope (validated as on the canvas stream), or else any `{type, payload, timestamp}` message. */
function realtimeParser(
  envelopes: FrameParser<AnyEvent>,
  messages: Parser<RealtimeMessage>,
): FrameParser<RealtimeEvent> {
  return (json: unknown, frame: SseFrame): FrameParse<RealtimeEvent> => {
    const envelope = envelopes(json, frame);
    if (envelope.ok) return { ok: true, event: envelope.event as RealtimeEvent };
    const message = messages.safeParse(json);
    if (message.success) return { ok: true, event: message.data as RealtimeEvent };
    return envelope;
  };
}

/**
 * The project's unified timeline (`GET /v1/realtime`): a view over the transport's
 * {@link SseReader} (same state machine, resume and dedupe), not a second transport.
 * Messages are dispatched by type; `'*'` receives all.
 */
export class RealtimeClient {
  readonly #reader: SseReader<RealtimeEvent>;
  readonly #listeners = new Map<string, Listeners<[RealtimeEvent]>>();
  readonly #protocolErrors = new Listeners<[ProtocolError]>();

  constructor(options: RealtimeClientOptions) {
    this.#reader = new SseReader<RealtimeEvent>({
      deps: options.deps,
      baseUrl: options.baseUrl,
      token: options.token,
      path: () => `/v1/realtime?${scopeQuery(options.scope)}`,
      ...frameParsing(options.deps.validate, (schemas) =>
        schemas
          ? realtimeParser(zodEnvelopeParser(schemas), schemas.realtimeMessageSchema)
          : realtimeParser(parseEnvelope, realtimeMessageGuard),
      ),
      onEvent: (event) => {
        this.#listeners.get(event.type)?.emit(event);
        this.#listeners.get('*')?.emit(event);
      },
      onProtocolError: (error) => this.#protocolErrors.emit(error),
      // The realtime stream has no CANVAS_READY to announce a reset: a new epoch is adopted.
      epochChange: 'adopt',
      cursor: options.cursor,
      idleTimeoutMs: options.idleTimeoutMs,
    });
  }

  get status(): ConnectionStatus {
    return this.#reader.status;
  }

  get cursor(): string | null {
    return this.#reader.cursor;
  }

  connect(): this {
    this.#reader.start();
    return this;
  }

  close(): void {
    this.#reader.close();
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#reader.onStatus(listener);
  }

  /** Messages of one type, or every message with `'*'`. */
  onMessage(type: string, listener: (message: RealtimeEvent) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Listeners();
      this.#listeners.set(type, set);
    }
    return set.add(listener);
  }

  onProtocolError(listener: (error: ProtocolError) => void): () => void {
    return this.#protocolErrors.add(listener);
  }
}
