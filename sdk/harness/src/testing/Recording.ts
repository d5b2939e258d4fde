import type { ActorKind, CanvasScope, LensPolicy, PluginHealth, PluginInspector } from '@easel/schemas';
import type { RecordedEnvelope, RecordedFrame } from './recordedEvent.ts';

/** A participant replayed by recorded presence. */
export interface RecordedPeer {
  readonly actor: { readonly id: string; readonly kind: ActorKind; readonly name: string; readonly color: string };
  readonly cursor?: { readonly x: number; readonly y: number } | null;
  readonly selection?: readonly string[] | null;
  /** Cursor positions visited in a loop (one step every `stepMs` of the presence source). */
  readonly path?: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

/**
 * A recorded session: what the streams carried and how the gateway answered. Feed it to
 * `createRecordedSession` (or `<RecordedEaselProvider>`) to replay it through the real
 * transport and the same hooks the app uses.
 */
export interface Recording {
  /** The canvas scope (default `RECORDED_SCOPE`). */
  readonly scope?: CanvasScope;
  /** Who is looking: id, kind, name, roles (default an `editor` named "You"). */
  readonly actor?: {
    readonly id: string;
    readonly kind?: ActorKind;
    readonly name?: string;
    readonly roles?: readonly string[];
  };
  /** The canvas stream, in order; the first CANVAS_READY is the snapshot every connection starts from. */
  readonly canvas: ReadonlyArray<RecordedFrame | RecordedEnvelope>;
  /** Extra events of the project timeline (`/v1/realtime`); canvas events are mirrored there too. */
  readonly realtime?: ReadonlyArray<RecordedFrame | RecordedEnvelope>;
  /** `GET /v1/plugins`. */
  readonly plugins?: readonly PluginHealth[];
  /** `GET /v1/plugins/{name}` (default: built from the health, no tools). */
  readonly inspectors?: Readonly<Record<string, PluginInspector>>;
  /** The project's lens policy (default: the built-in default policy). */
  readonly lens?: LensPolicy | null;
  /** Run streams by run id. */
  readonly runs?: Readonly<Record<string, ReadonlyArray<RecordedFrame | RecordedEnvelope>>>;
  /** Others on the canvas (recorded presence). */
  readonly peers?: readonly RecordedPeer[];
  /** Commands the recorded gateway refuses, by command type: `{code, message}`. */
  readonly refuse?: Readonly<Record<string, { readonly code: string; readonly message: string }>>;
  /** What the recorded agent answers to `chat.send` (streamed word by word, then committed). Default: none. */
  readonly chatReply?: string;
  /** `recorded` (default): frames arrive after their `delayMs`; `instant`: all at once (tests). */
  readonly pace?: 'recorded' | 'instant';
}
