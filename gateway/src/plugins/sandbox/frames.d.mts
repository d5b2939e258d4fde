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

/**
 * Splits a byte stream into messages: each complete frame is parsed and handed to `onMessage` in
 * order; a frame over `maxBytes`, or one that is not a JSON object, stops it for good and is
 * reported once to `onViolation`.
 */
export declare class FrameDecoder {
  constructor(
    maxBytes: number,
    onMessage: (message: Record<string, unknown>) => void,
    onViolation: (problem: string) => void,
  );
  /** Bytes held of a frame that is not complete yet. */
  readonly bufferedBytes: number;
  /** True once a violation stopped it. */
  readonly broken: boolean;
  push(chunk: Buffer): void;
}
