// @ts-check
/**
 * The message channel between the plugin host and a plugin's child process: length-prefixed JSON
 * frames over one extra stdio pipe (fd 3 of the child, a Unix socket pair), shared by the host
 * (`PluginProcess.ts`) and the child (`pluginRunner.mjs`; plain ESM, so no TypeScript loader).
 *
 * A frame is a 4-byte unsigned big-endian length N, then N bytes of UTF-8 JSON: one message, an
 * object. One `JSON.stringify` and one `JSON.parse` per message and per direction, one write per
 * message, no per-message work beyond that (Node's IPC channel adds a string decoder, string
 * concatenation and a newline scan per message, and `serialization: 'advanced'` is slower still
 * for JSON-shaped data).
 *
 * Both sides refuse a frame over a size limit: the sender before writing (the caller turns it into
 * an error value), the receiver as soon as the length prefix announces it (a protocol violation,
 * like a frame that is not a JSON object), before buffering its body.
 *
 * A message may carry one field as a body frame of its own (`encodeWithBody`): a head frame naming
 * the field (`"$body": "value"`), then a frame holding just that field's JSON value, written
 * together. The receiver parses the body on its own, sets the field, and hands its JSON text along
 * with the message, so the host can pass a plugin's result on without serializing it again.
 */

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Largest length the prefix can express (and the largest limit a channel may have). */
export const MAX_FRAME_LIMIT = 0xffff_ffff;

/** Default largest message, bytes of UTF-8 JSON (64 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * Encodes one message as a frame.
 * @param {unknown} message
 * @param {number} maxBytes
 * @returns {{ok: true, frame: Buffer} | {ok: false, reason: 'not_json' | 'too_large', bytes: number, message: string}}
 */
export function encodeFrame(message, maxBytes) {
  /** @type {string | undefined} */
  let json;
  try {
    json = JSON.stringify(message);
  } catch (err) {
    return { ok: false, reason: 'not_json', bytes: 0, message: err instanceof Error ? err.message : String(err) };
  }
  if (typeof json !== 'string') {
    return { ok: false, reason: 'not_json', bytes: 0, message: 'the value has no JSON form' };
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      bytes,
      message: `${bytes} bytes of JSON, over the ${maxBytes} byte limit`,
    };
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bytes);
  frame.writeUInt32BE(bytes, 0);
  frame.write(json, FRAME_HEADER_BYTES, 'utf8');
  return { ok: true, frame };
}

/** Fields that may travel as a body frame (`$body` of the head frame names one). */
export const BODY_FIELDS = Object.freeze(['value', 'input', 'payload']);
const BODY_FIELD_SET = new Set(BODY_FIELDS);

/**
 * Encodes `head` (which names the body's field in `$body`, one of {@link BODY_FIELDS}) and then
 * `body` as a frame of its own, in one buffer (one write). Each frame is checked against `maxBytes`.
 * @param {{$body: string} & Record<string, unknown>} head
 * @param {unknown} body
 * @param {number} maxBytes
 * @returns {{ok: true, frame: Buffer} | {ok: false, reason: 'not_json' | 'too_large', bytes: number, message: string}}
 */
export function encodeWithBody(head, body, maxBytes) {
  if (!BODY_FIELD_SET.has(head.$body))
    throw new TypeError(`encodeWithBody: $body must be one of ${BODY_FIELDS.join(', ')}`);
  /** @type {string | undefined} */
  let bodyJson;
  /** @type {string | undefined} */
  let headJson;
  try {
    bodyJson = JSON.stringify(body);
    headJson = JSON.stringify(head);
  } catch (err) {
    return { ok: false, reason: 'not_json', bytes: 0, message: err instanceof Error ? err.message : String(err) };
  }
  if (typeof bodyJson !== 'string' || typeof headJson !== 'string') {
    return { ok: false, reason: 'not_json', bytes: 0, message: 'the value has no JSON form' };
  }
  const bodyBytes = Buffer.byteLength(bodyJson, 'utf8');
  const headBytes = Buffer.byteLength(headJson, 'utf8');
  const bytes = Math.max(bodyBytes, headBytes);
  if (bytes > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      bytes,
      message: `${bytes} bytes of JSON, over the ${maxBytes} byte limit`,
    };
  }
  const frame = Buffer.allocUnsafe(2 * FRAME_HEADER_BYTES + headBytes + bodyBytes);
  frame.writeUInt32BE(headBytes, 0);
  frame.write(headJson, FRAME_HEADER_BYTES, 'utf8');
  const at = FRAME_HEADER_BYTES + headBytes;
  frame.writeUInt32BE(bodyBytes, at);
  frame.write(bodyJson, at + FRAME_HEADER_BYTES, 'utf8');
  return { ok: true, frame };
}

/**
 * Splits a byte stream into messages. `push` every chunk as it arrives; each complete frame is
 * parsed and handed to `onMessage` in order. A frame over the limit, or one that is not a JSON
 * object, stops the decoder for good and reports the violation once.
 */
export class FrameDecoder {
  /**
   * @param {number} maxBytes largest frame body accepted
   * @param {(message: Record<string, unknown>, bodyJson?: string) => void} onMessage `bodyJson`: the JSON text of the field a body frame carried
   * @param {(problem: string) => void} onViolation
   */
  constructor(maxBytes, onMessage, onViolation) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_FRAME_LIMIT) {
      throw new RangeError(`FrameDecoder: maxBytes must be an integer in 1…${MAX_FRAME_LIMIT}, got ${maxBytes}`);
    }
    this.maxBytes = maxBytes;
    this.onMessage = onMessage;
    this.onViolation = onViolation;
    /** @type {Buffer[]} chunks of an incomplete frame */
    this.pending = [];
    this.pendingBytes = 0;
    /** Body length of the incomplete frame once its prefix is known, else -1. */
    this.expected = -1;
    this.broken = false;
    /** @type {Record<string, unknown> | null} a head frame waiting for its body frame */
    this.head = null;
  }

  /** Bytes held of a frame not complete yet (a sender that died mid-frame leaves them here). */
  get bufferedBytes() {
    return this.pendingBytes;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    if (this.broken || chunk.length === 0) return;
    if (this.pendingBytes === 0) {
      this.drain(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.expected < 0) {
      if (this.pendingBytes < FRAME_HEADER_BYTES) return;
      this.expected = this.readLength(this.headerBytes());
      if (this.expected < 0) return;
    }
    if (this.pendingBytes < FRAME_HEADER_BYTES + this.expected) return;
    const joined = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.expected = -1;
    this.drain(joined);
  }

  /**
   * Handles every complete frame of `buf` (which starts at a frame boundary) and keeps the rest.
   * @param {Buffer} buf
   */
  drain(buf) {
    let at = 0;
    while (!this.broken) {
      const left = buf.length - at;
      if (left < FRAME_HEADER_BYTES) break;
      const length = this.readLength(buf.readUInt32BE(at));
      if (length < 0) return;
      if (left < FRAME_HEADER_BYTES + length) {
        this.expected = length;
        break;
      }
      const start = at + FRAME_HEADER_BYTES;
      at = start + length;
      this.deliver(buf.toString('utf8', start, at));
    }
    if (this.broken || at === buf.length) return;
    const rest = at === 0 ? buf : buf.subarray(at);
    this.pending.push(rest);
    this.pendingBytes = rest.length;
  }

  /** The 4 prefix bytes of the pending frame (they may span chunks). */
  headerBytes() {
    const first = /** @type {Buffer} */ (this.pending[0]);
    if (first.length >= FRAME_HEADER_BYTES) return first.readUInt32BE(0);
    return Buffer.concat(this.pending, this.pendingBytes).readUInt32BE(0);
  }

  /**
   * The announced body length, or -1 after reporting it over the limit.
   * @param {number} length
   */
  readLength(length) {
    if (length <= this.maxBytes) return length;
    this.fail(`a message of ${length} bytes, over the ${this.maxBytes} byte limit`);
    return -1;
  }

  /** @param {string} text */
  deliver(text) {
    /** @type {unknown} */
    let message;
    try {
      message = JSON.parse(text);
    } catch (err) {
      this.fail(
        `a ${this.head ? 'body' : 'message'} that is not JSON (${err instanceof Error ? err.message : String(err)})`,
      );
      return;
    }
    const head = this.head;
    if (head) {
      this.head = null;
      head[/** @type {string} */ (head.$body)] = message;
      this.onMessage(head, text);
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.fail('a message that is not a JSON object');
      return;
    }
    const fields = /** @type {Record<string, unknown>} */ (message);
    if (fields.$body === undefined) {
      this.onMessage(fields);
      return;
    }
    if (typeof fields.$body !== 'string' || !BODY_FIELD_SET.has(fields.$body)) {
      this.fail(`a head frame whose $body is not one of ${BODY_FIELDS.join(', ')}`);
      return;
    }
    this.head = fields;
  }

  /** @param {string} problem */
  fail(problem) {
    if (this.broken) return;
    this.broken = true;
    this.head = null;
    this.pending = [];
    this.pendingBytes = 0;
    this.onViolation(problem);
  }
}
