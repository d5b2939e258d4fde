// @ts-check
/**
 * The message channel between the plugin host and a plugin's child process: length-prefixed frames
 * over one extra stdio pipe (fd 3 of the child, a Unix socket pair), shared by the host
 * (`PluginProcess.ts`) and the child (`pluginRunner.mjs`; plain ESM, so no TypeScript loader).
 *
 * A frame is a 4-byte unsigned big-endian length N, then N bytes. A message is one frame of UTF-8
 * JSON, an object (one `JSON.stringify`, one `JSON.parse`, one write; Node's IPC channel adds a
 * string decoder, string concatenation and a newline scan per message, and `serialization:
 * 'advanced'` is slower still for JSON-shaped data).
 *
 * A message may carry one field (`value`, `input` or `payload`) as a body frame of its own
 * (`encodeWithBody`): a JSON head frame naming the field (`"$body": "value"`), then a frame holding
 * just that field's value, written together. The body is MessagePack when the head says so
 * (`"$codec": "msgpack"`: msgpackr records, every message self-contained, no structures shared
 * across messages), else JSON. The sender uses MessagePack only for plain JSON data
 * (`isPlainJson.mjs`) of about 1 KB or more, which it carries unchanged and decodes ≈ 2× faster than
 * JSON for objects (smaller bodies stay JSON: MessagePack's fixed cost per message is more than it
 * saves); anything else (a Date, `undefined`, NaN, `toJSON`, a class instance, …) goes as JSON, so a plugin
 * sees JSON semantics either way. The receiver decodes the body on its own and sets the field; a
 * JSON body's text is handed along with the message (so the host can pass a plugin's result on
 * without serializing it again), a MessagePack body has none.
 *
 * Both sides refuse a frame over a size limit: the sender before writing (the caller turns it into
 * an error value), the receiver as soon as the length prefix announces it (a protocol violation,
 * like a frame that is not a JSON object, a body that does not decode, or a MessagePack body that is
 * not plain JSON data: the receiver does not trust the sender), before buffering its body.
 */
// `msgpackr/pack` is msgpackr's pure-JS build (Packr and Unpackr) under Node: its main entry also
// loads the native string extractor, which adds ≈ 30 ms to every plugin process start and gains
// nothing measurable on these payloads (10 KB of small objects: pack ≈ 26 µs, unpack ≈ 23 µs).
import { Packr, Unpackr } from 'msgpackr/pack';
import { isPlainJson, plainJsonSize } from './isPlainJson.mjs';

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Largest length the prefix can express (and the largest limit a channel may have). */
export const MAX_FRAME_LIMIT = 0xffff_ffff;

/** Default largest frame, bytes (64 MiB). */
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

/** The `$codec` of a head frame whose body is MessagePack (absent: JSON). */
export const MSGPACK_CODEC = 'msgpack';

/**
 * Smallest body sent as MessagePack, by the rough size of `plainJsonSize` (≈ bytes of JSON): below
 * it MessagePack's fixed cost per message (≈ 2–3 µs) is more than it saves on JSON.
 */
export const MSGPACK_MIN_BYTES = 1024;

/**
 * The body encoder: records (an object's keys once per shape, defined inside the message), no
 * shared structures, so each message decodes on its own. Replaced after a failure (msgpackr keeps
 * a per-instance key trie across messages; a throw mid-message might leave it inconsistent).
 */
let packr = new Packr({ useRecords: true });

/**
 * The body decoder: records become plain objects; a MessagePack map (the encoder never writes one)
 * becomes a Map, and extensions (Date, typed arrays, …) their types, which {@link isPlainJson}
 * refuses. No shared structures, no structured clone, 64-bit integers as BigInt (refused too).
 */
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: false, moreTypes: false, structuredClone: false });

/**
 * The MessagePack bytes of plain JSON data, or null when msgpackr fails on it.
 * @param {unknown} body
 * @returns {Buffer | null}
 */
function packBody(body) {
  try {
    return packr.pack(body);
  } catch {
    packr = new Packr({ useRecords: true });
    return null;
  }
}

/**
 * Encodes `head` (which names the body's field in `$body`, one of {@link BODY_FIELDS}) and then
 * `body` as a frame of its own, in one buffer (one write). The body is MessagePack when it is plain
 * JSON data (`isPlainJson`) of at least `minPackBytes` (rough size, see `plainJsonSize`) and fits
 * `maxBytes` that way (the head then says `"$codec": "msgpack"`), else JSON as `JSON.stringify`
 * gives it. Each frame is checked against `maxBytes`.
 * @param {{$body: string} & Record<string, unknown>} head
 * @param {unknown} body
 * @param {number} maxBytes
 * @param {number} [minPackBytes] default {@link MSGPACK_MIN_BYTES}; 0: every plain body
 * @returns {{ok: true, frame: Buffer} | {ok: false, reason: 'not_json' | 'too_large', bytes: number, message: string}}
 */
export function encodeWithBody(head, body, maxBytes, minPackBytes = MSGPACK_MIN_BYTES) {
  if (!BODY_FIELD_SET.has(head.$body))
    throw new TypeError(`encodeWithBody: $body must be one of ${BODY_FIELDS.join(', ')}`);
  /** @type {Buffer | null} */
  let packed = null;
  try {
    if (plainJsonSize(body) >= minPackBytes) packed = packBody(body);
  } catch {
    // a getter threw: JSON.stringify below says so
  }
  // Over the limit as MessagePack (floats take 9 bytes): JSON may still fit.
  if (packed !== null && packed.length <= maxBytes) {
    return withBody({ ...head, $codec: MSGPACK_CODEC }, packed, packed.length, maxBytes);
  }
  /** @type {string | undefined} */
  let bodyJson;
  try {
    bodyJson = JSON.stringify(body);
  } catch (err) {
    return { ok: false, reason: 'not_json', bytes: 0, message: err instanceof Error ? err.message : String(err) };
  }
  if (typeof bodyJson !== 'string') {
    return { ok: false, reason: 'not_json', bytes: 0, message: 'the value has no JSON form' };
  }
  const jsonBytes = Buffer.byteLength(bodyJson, 'utf8');
  if (jsonBytes > maxBytes) {
    if (packed !== null) {
      const bytes = Math.min(packed.length, jsonBytes);
      return { ok: false, reason: 'too_large', bytes, message: `${bytes} bytes, over the ${maxBytes} byte limit` };
    }
    return {
      ok: false,
      reason: 'too_large',
      bytes: jsonBytes,
      message: `${jsonBytes} bytes of JSON, over the ${maxBytes} byte limit`,
    };
  }
  return withBody(head, bodyJson, jsonBytes, maxBytes);
}

/**
 * The head frame (JSON) and then `body` (MessagePack bytes or JSON text of `bodyBytes` bytes, within
 * the limit) as a frame, in one buffer.
 * @param {Record<string, unknown>} head
 * @param {Uint8Array | string} body
 * @param {number} bodyBytes
 * @param {number} maxBytes
 * @returns {{ok: true, frame: Buffer} | {ok: false, reason: 'not_json' | 'too_large', bytes: number, message: string}}
 */
function withBody(head, body, bodyBytes, maxBytes) {
  /** @type {string | undefined} */
  let headJson;
  try {
    headJson = JSON.stringify(head);
  } catch (err) {
    return { ok: false, reason: 'not_json', bytes: 0, message: err instanceof Error ? err.message : String(err) };
  }
  if (typeof headJson !== 'string') {
    return { ok: false, reason: 'not_json', bytes: 0, message: 'the head has no JSON form' };
  }
  const headBytes = Buffer.byteLength(headJson, 'utf8');
  if (headBytes > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      bytes: headBytes,
      message: `${headBytes} bytes of JSON, over the ${maxBytes} byte limit`,
    };
  }
  const frame = Buffer.allocUnsafe(2 * FRAME_HEADER_BYTES + headBytes + bodyBytes);
  frame.writeUInt32BE(headBytes, 0);
  frame.write(headJson, FRAME_HEADER_BYTES, 'utf8');
  const at = FRAME_HEADER_BYTES + headBytes;
  frame.writeUInt32BE(bodyBytes, at);
  if (typeof body === 'string') frame.write(body, at + FRAME_HEADER_BYTES, 'utf8');
  else frame.set(body, at + FRAME_HEADER_BYTES);
  return { ok: true, frame };
}

/**
 * Splits a byte stream into messages. `push` every chunk as it arrives; each complete frame is
 * parsed and handed to `onMessage` in order (a head frame with its body). A frame over the limit,
 * one that is not a JSON object, a body that does not decode, or a MessagePack body that is not
 * plain JSON data stops the decoder for good and reports the violation once.
 */
export class FrameDecoder {
  /**
   * @param {number} maxBytes largest frame body accepted
   * @param {(message: Record<string, unknown>, bodyJson?: string) => void} onMessage `bodyJson`: the JSON text of the field a JSON body frame carried (none for MessagePack)
   * @param {(problem: string) => void} onViolation
   * @param {{trusted?: boolean}} [options] `trusted`: the sender is the host, so a MessagePack body is
   *   not checked to be plain JSON data after decoding (the child's side; the host checks)
   */
  constructor(maxBytes, onMessage, onViolation, options) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_FRAME_LIMIT) {
      throw new RangeError(`FrameDecoder: maxBytes must be an integer in 1…${MAX_FRAME_LIMIT}, got ${maxBytes}`);
    }
    this.maxBytes = maxBytes;
    this.onMessage = onMessage;
    this.onViolation = onViolation;
    this.trusted = options?.trusted === true;
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
      if (this.head?.$codec === MSGPACK_CODEC) this.deliverPacked(buf.subarray(start, at));
      else this.deliver(buf.toString('utf8', start, at));
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

  /**
   * A MessagePack body: set on its head when it decodes to plain JSON data, else a violation.
   * @param {Buffer} bytes
   */
  deliverPacked(bytes) {
    const head = /** @type {Record<string, unknown>} */ (this.head);
    this.head = null;
    /** @type {unknown} */
    let value;
    try {
      value = unpackr.unpack(bytes);
    } catch (err) {
      this.fail(`a body that is not MessagePack (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    if (!this.trusted && !isPlainJson(value, false)) {
      this.fail('a MessagePack body that is not plain JSON data');
      return;
    }
    head[/** @type {string} */ (head.$body)] = value;
    this.onMessage(head);
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
    if (fields.$codec !== undefined && fields.$codec !== MSGPACK_CODEC) {
      this.fail(`a head frame whose $codec is not ${MSGPACK_CODEC}`);
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
