import type { JsonValue } from '@easel/schemas';

/** A JSON object (not null, not an array). */
export type JsonRecord = { [key: string]: JsonValue };

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a string, else undefined. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Largest coordinate or size accepted as geometry (matches the whiteboard-thumbnail plugin's reader). */
export const MAX_COORDINATE = 1e9;

/** The value when it is a finite number within ±{@link MAX_COORDINATE}, else undefined. */
export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_COORDINATE ? value : undefined;
}

/** The value when it is a boolean, else undefined. */
export function readBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A `#rgb` / `#rrggbb` colour, else undefined (never lets arbitrary CSS through into style attributes). */
export function readColor(value: unknown): string | undefined {
  return typeof value === 'string' && /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value) ? value : undefined;
}

/** Compares strings by code unit (stable, locale-free). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
