/** Types of `isPlainJson.mjs`: whether a value is plain JSON data that MessagePack records carry unchanged. */

/** Deepest nesting (arrays and objects) that counts as plain. */
export declare const MAX_PLAIN_DEPTH: 256;

/**
 * Whether `value` is plain JSON data: `null`, booleans, finite numbers, strings, arrays without holes
 * and objects with the prototype `Object.prototype` or `null` (no `toJSON`), nested at most
 * {@link MAX_PLAIN_DEPTH} deep. `exact` (default true, a sender's check) also refuses strings and
 * keys with a lone surrogate and own keys `__proto__` and `__keys__`, which MessagePack would not
 * carry unchanged; false checks only the kinds of values (a receiver's check of a decoded body).
 */
export declare function isPlainJson(value: unknown, exact?: boolean): boolean;

/**
 * The same walk as the exact {@link isPlainJson}, with a rough size of the value (≈ its JSON length
 * for ASCII text), or -1 when it is not exactly plain.
 */
export declare function plainJsonSize(value: unknown): number;
