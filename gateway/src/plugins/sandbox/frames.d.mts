/**
 * Types of `frames.mjs`: length-prefixed frames between the plugin host and its child processes (JSON
 * messages; a body frame of one field may be MessagePack, see `frames.mjs`).
 */

/** Bytes of the length prefix (4, unsigned big-endian). */
export declare const FRAME_HEADER_BYTES: 4;
/** Largest length the prefix can express. */
export declare const MAX_FRAME_LIMIT: number;
/** Default largest frame, bytes (64 MiB). */
export declare const DEFAULT_MAX_FRAME_BYTES: number;

/** An encoded frame, or why the message cannot be sent. */
export type EncodedFrame =
  | { ok: true; frame: Buffer }
  | { ok: false; reason: 'not_json' | 'too_large'; bytes: number; message: string };

/** Encodes one message (`JSON.stringify`) as a frame of at most `maxBytes` of JSON. */
export declare function encodeFrame(message: unknown, maxBytes: number): EncodedFrame;

/** Fields that may travel as a body frame. */
export declare const BODY_FIELDS: readonly ['value', 'input', 'payload'];

/** The `$codec` of a head frame whose body is MessagePack (absent: JSON). */
export declare const MSGPACK_CODEC: 'msgpack';

/** Smallest body sent as MessagePack, rough bytes of JSON (`plainJsonSize`); smaller ones stay JSON. */
export declare const MSGPACK_MIN_BYTES: number;

/**
 * Encodes `head` and then `body` (the value of the field `head.$body` names) as a frame of its own,
 * in one buffer; each frame of at most `maxBytes`. The body is MessagePack (msgpackr records; the
 * head gets `$codec: 'msgpack'`) when it is plain JSON data (`isPlainJson`) of at least
 * `minPackBytes` (default {@link MSGPACK_MIN_BYTES}; rough size, `plainJsonSize`) and fits that way,
 * else JSON. The receiver's `onMessage` gets the message with that field set, and a JSON body's text.
 */
export declare function encodeWithBody(
  head: { $body: (typeof BODY_FIELDS)[number] } & Record<string, unknown>,
  body: unknown,
  maxBytes: number,
  minPackBytes?: number,
): EncodedFrame;

/** Options of a {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * The sender is the host (the child's decoder): a MessagePack body is not checked to be plain JSON
   * data after decoding. Default false: it is, and one that is not is a violation.
   */
  readonly trusted?: boolean;
}

/**
 * Splits a byte stream into messages: each complete frame is parsed and handed to `onMessage` in
 * order (a head frame with `$body` together with the body frame after it, and that body's JSON text
 * when it was JSON); a frame over `maxBytes`, one that is not a JSON object, a body that does not
 * decode, or a MessagePack body that is not plain JSON data stops it for good and is reported once
 * to `onViolation`.
 */
export declare class FrameDecoder {
  constructor(
    maxBytes: number,
    onMessage: (message: Record<string, unknown>, bodyJson?: string) => void,
    onViolation: (problem: string) => void,
    options?: FrameDecoderOptions,
  );
  /** Bytes held of a frame that is not complete yet. */
  readonly bufferedBytes: number;
  /** True once a violation stopped it. */
  readonly broken: boolean;
  push(chunk: Buffer): void;
}
