// @ts-check
/**
 * Whether a value is plain JSON data, which both JSON and the channel's MessagePack records
 * (`frames.mjs`) carry unchanged: `null`, booleans, finite numbers, strings, arrays
 * (`Array.prototype`, no holes) and objects whose prototype is `Object.prototype` or `null`, without
 * `toJSON`, nested at most {@link MAX_PLAIN_DEPTH} deep. Anything else — a Date, `undefined`, NaN, a
 * Map, a Buffer, a class instance, a BigInt — is something JSON turns into something else (or
 * refuses), so a sender falls back to a JSON body and the host refuses a MessagePack body that
 * decodes to it. Shared by the host (`PluginProcess.ts`) and the child (`pluginRunner.mjs`) through
 * `frames.mjs`; plain ESM.
 *
 * A sender also needs the `exact` check: strings and keys with a lone surrogate (JSON keeps them,
 * UTF-8 cannot), an own key `__proto__` (MessagePack decoders rename it) or `__keys__` (msgpackr's
 * record encoder uses that name internally) are JSON data that MessagePack would not carry
 * unchanged. A decoded MessagePack body needs only the kinds of values. A getter that throws makes
 * it throw.
 */

/** Deepest nesting (arrays and objects) that counts as plain; deeper values take the JSON path. */
export const MAX_PLAIN_DEPTH = 256;

const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;

/**
 * @param {unknown} value
 * @param {boolean} [exact] also refuse what MessagePack would not carry unchanged (default true; a
 *   sender's check); false: only the kinds of values (a receiver's check of a decoded body)
 * @returns {boolean}
 */
export function isPlainJson(value, exact = true) {
  return exact ? plainJsonSize(value) >= 0 : kinds(value, 0);
}

/** What the exact walk has counted so far (rough JSON bytes: string lengths, 4 a scalar, 2 a container). */
let size = 0;

/**
 * The same walk as the exact {@link isPlainJson} (one pass), with a rough size: ≈ the length of its
 * JSON for ASCII text (string and key lengths, a few bytes per scalar and container), or -1 when it
 * is not exactly plain. Lets a sender keep small bodies as JSON, where MessagePack's fixed cost per
 * message is more than it saves.
 * @param {unknown} value
 * @returns {number}
 */
export function plainJsonSize(value) {
  size = 0;
  return exactly(value, 0) ? size : -1;
}

/**
 * @param {unknown} value
 * @param {number} depth containers above `value`
 * @returns {boolean}
 */
function exactly(value, depth) {
  switch (typeof value) {
    case 'string':
      size += value.length + 2;
      return value.isWellFormed();
    case 'number':
      size += 4;
      return Number.isFinite(value);
    case 'boolean':
      size += 4;
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  size += 4;
  if (value === null) return true;
  if (depth >= MAX_PLAIN_DEPTH) return false;
  const proto = Object.getPrototypeOf(value);
  const inner = depth + 1;
  if (proto === ArrayPrototype) {
    const list = /** @type {unknown[]} */ (value);
    if (/** @type {{toJSON?: unknown}} */ (list).toJSON !== undefined) return false;
    for (let i = 0; i < list.length; i++) {
      if (!exactly(list[i], inner)) return false;
    }
    return true;
  }
  if (proto !== ObjectPrototype && proto !== null) return false;
  const record = /** @type {Record<string, unknown>} */ (value);
  if (record.toJSON !== undefined) return false;
  // for…in: no key array; with these prototypes it sees own enumerable keys only (an enumerable
  // key added to Object.prototype is walked too, which only refuses more).
  for (const key in record) {
    size += key.length + 3;
    if (key === '__proto__' || key === '__keys__' || !key.isWellFormed()) return false;
    if (!exactly(record[key], inner)) return false;
  }
  return true;
}

/**
 * @param {unknown} value
 * @param {number} depth containers above `value`
 * @returns {boolean}
 */
function kinds(value, depth) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_PLAIN_DEPTH) return false;
  const proto = Object.getPrototypeOf(value);
  const inner = depth + 1;
  if (proto === ArrayPrototype) {
    const list = /** @type {unknown[]} */ (value);
    if (/** @type {{toJSON?: unknown}} */ (list).toJSON !== undefined) return false;
    for (let i = 0; i < list.length; i++) {
      if (!kinds(list[i], inner)) return false;
    }
    return true;
  }
  if (proto !== ObjectPrototype && proto !== null) return false;
  const record = /** @type {Record<string, unknown>} */ (value);
  for (const key in record) {
    if (!kinds(record[key], inner)) return false;
  }
  return true;
}
