/** Types of `frames.mjs`: length-prefixed JSON frames between the plugin host and its child processes. */

/** Bytes of the length prefix (4, unsigned big-endian). */
export declare const FRAME_HEADER_BYTES: 4;
/** Largest length the prefix can express. */
export declare const MAX_FRAME_LIMIT: number;
/** Default largest message, bytes of UTF-8 JSON (64 MiB). */
export declare const DEFAULT_MAX_FRAME_BYTES: number;

/** An encoded frame, or why the message cannot be sent. */
export type EncodedFrame =
  | { ok: true; frame: Buffer }
  | { ok: false; reason: 'not_json' | 'too_large'; bytes: number; message: string };

/** Encodes one message (`JSON.stringify`) as a frame of at most `maxBytes` of JSON. */
export declare function encodeFrame(message: unknown, maxBytes: number): EncodedFrame;

/** Fields that may travel as a body frame. */
export declare const BODY_FIELDS: readonly ['value', 'input', 'payload'];

/**
 * Encodes `head` and then `body` (the value of the field `head.$body` names) as a frame of its own,
 * in one buffer; each frame of at most `maxBytes` of JSON. The receiver's `onMessage` gets the
 * message with that field set, and the body's JSON text.
 */
export declare function encodeWithBody(
  head: { $body: (typeof BODY_FIELDS)[number] } & Record<string, unknown>,
  body: unknown,
  maxBytes: number,
): EncodedFrame;

/**
 * Splits a byte stream into messages: each complete frame is parsed and handed to `onMessage` in
 * order (a head frame with `$body` together with the body frame after it, and that body's JSON text); a frame over `maxBytes`, or one that is not a JSON object, stops it for good and is
 * reported once to `onViolation`.
 */
export declare class FrameDecoder {
  constructor(
    maxBytes: number,
    onMessage: (message: Record<string, unknown>, bodyJson?: string) => void,
    onViolation: (problem: string) => void,
  );
  /** Bytes held of a frame that is not complete yet. */
  readonly bufferedBytes: number;
  /** True once a violation stopped it. */
  readonly broken: boolean;
  push(chunk: Buffer): void;
}
