import type { JsonValue, Scope } from '@easel/schemas';
import type { Principal } from '../core/auth/Principal.ts';
import type { DerivedSources } from '../core/DerivedSources.ts';
import type { Result } from '../core/errors/GatewayError.ts';

/** The image keys of a frame output that become sidecars, and the type each is stored as. */
export const IMAGE_OUTPUT_KEYS = {
  png_base64: { format: 'png', mime: 'image/png' },
  jpeg_base64: { format: 'jpeg', mime: 'image/jpeg' },
  webp_base64: { format: 'webp', mime: 'image/webp' },
} as const;
export type ImageOutputKey = keyof typeof IMAGE_OUTPUT_KEYS;

/** What a job result carries in place of an image (`png_sidecar`, …): a ref, never bytes. */
export interface ImageSidecarRef {
  readonly artifact_id: string;
  readonly mime: string;
  readonly size: number;
  readonly sha256: string;
}

/** Where images are stored (`SidecarService` satisfies this as is). */
export interface ImageSidecarStore {
  /** Largest object accepted, bytes. */
  readonly maxObjectBytes: number;
  storeBytes(
    p: Principal,
    scope: Scope,
    bytes: Uint8Array,
    mime: string,
    options?: { derivedFrom?: DerivedSources },
  ): Promise<Result<ImageSidecarRef>>;
}

/** What {@link storeImageOutputs} works on. */
export interface ImageOutputsJob {
  readonly store: ImageSidecarStore;
  /** The principal that started the job: it owns the sidecars (its lens decides). */
  readonly principal: Principal;
  /** The job's scope (its canvas when it has one). */
  readonly scope: Scope;
  /** Once aborted (the gateway stops), the images not stored yet are not stored. */
  readonly signal?: AbortSignal;
  /** What the job's frames were computed from: only viewers reading all of it may see or open the images. */
  readonly derivedFrom?: DerivedSources;
}

/** Base64 of the standard alphabet, padded (with a length that is a multiple of 4). */
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** The first bytes of each format (WebP: `RIFF????WEBP`). */
const SIGNATURES: Readonly<Record<string, (b: Uint8Array) => boolean>> = {
  png: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  webp: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
};

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((v, i) => bytes[i] === v);
}

/**
 * Keeps a job's images (contract §4: records and events never carry bytes; §8: sidecars do).
 * For each frame output that is an object, each top-level `png_base64` / `jpeg_base64` /
 * `webp_base64` holding padded standard base64 of a non-empty image of that format within the store's
 * size limit is decoded and stored as a sidecar of the job's scope, owned by the job's principal
 * (one durable `snapshot_created` each), and replaced in the answer by `<format>_sidecar:
 * {artifact_id, mime, size, sha256}` at the same position. A key that is not stored (refused,
 * store down, not valid base64, not that format) stays as it is, so the caller's sanitizing omits
 * it as before, and a warning says why (`job.signal` aborted: the rest are not stored). Stores one image at a time; never throws (a throwing
 * store is a warning). `outputs` is not changed.
 */
export async function storeImageOutputs(
  outputs: readonly JsonValue[],
  job: ImageOutputsJob,
): Promise<{ outputs: JsonValue[]; warnings: string[] }> {
  const warnings: string[] = [];
  const out: JsonValue[] = [];
  for (const [index, output] of outputs.entries()) {
    if (output === null || typeof output !== 'object' || Array.isArray(output) || !hasImageKey(output)) {
      out.push(output);
      continue;
    }
    const entries: Array<{ key: string; value: JsonValue; ref: boolean }> = [];
    for (const [key, value] of Object.entries(output)) {
      if (!Object.hasOwn(IMAGE_OUTPUT_KEYS, key)) {
        entries.push({ key, value, ref: false });
        continue;
      }
      const { format, mime } = IMAGE_OUTPUT_KEYS[key as ImageOutputKey];
      const stored = await storeOne(value, format, mime, job);
      if (stored.ok) {
        entries.push({ key: `${format}_sidecar`, value: { ...stored.value }, ref: true });
      } else {
        entries.push({ key, value, ref: false });
        warnings.push(`frame ${index} ${key} was not kept as a sidecar: ${stored.reason}`);
      }
    }
    // A ref we stored wins over a same-named key the plugin returned (a plugin cannot forge one).
    const refs = new Set(entries.filter((e) => e.ref).map((e) => e.key));
    const merged: Record<string, JsonValue> = {};
    for (const { key, value, ref } of entries) {
      if (!ref && refs.has(key)) continue;
      // `__proto__` as a plain own key, as JSON.parse makes it
      Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
    out.push(merged);
  }
  return { outputs: out, warnings };
}

function hasImageKey(output: { readonly [key: string]: JsonValue }): boolean {
  return Object.keys(IMAGE_OUTPUT_KEYS).some((key) => Object.hasOwn(output, key));
}

async function storeOne(
  value: JsonValue,
  format: string,
  mime: string,
  job: ImageOutputsJob,
): Promise<{ ok: true; value: ImageSidecarRef } | { ok: false; reason: string }> {
  if (job.signal?.aborted) return { ok: false, reason: 'unavailable: the gateway is shutting down' };
  if (typeof value !== 'string') return { ok: false, reason: 'validation_failed: not a base64 string' };
  if (value.length === 0) return { ok: false, reason: 'validation_failed: empty' };
  if (value.length % 4 !== 0 || !BASE64_RE.test(value))
    return { ok: false, reason: 'validation_failed: not padded standard base64' };
  // Decoded size from the length, before decoding anything: 3 bytes per 4 characters, less padding.
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const size = (value.length / 4) * 3 - padding;
  if (size > job.store.maxObjectBytes)
    return {
      ok: false,
      reason: `validation_failed: ${size} bytes is over the sidecar limit of ${job.store.maxObjectBytes}`,
    };
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (!SIGNATURES[format]?.(bytes))
    return { ok: false, reason: `validation_failed: not a ${format.toUpperCase()} image` };
  try {
    const stored = await job.store.storeBytes(
      job.principal,
      job.scope,
      bytes,
      mime,
      job.derivedFrom ? { derivedFrom: job.derivedFrom } : {},
    );
    if (!stored.ok) return { ok: false, reason: `${stored.error.code}: ${stored.error.message}` };
    const { artifact_id, size: storedSize, sha256 } = stored.value;
    return { ok: true, value: { artifact_id, mime: stored.value.mime, size: storedSize, sha256 } };
  } catch (err) {
    return { ok: false, reason: `unavailable: ${err instanceof Error ? err.message : String(err)}` };
  }
}
