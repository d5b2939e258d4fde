import { type CanvasTypeManifest, canvasTypeManifestSchema, describeZodError, slugSchema } from '@easel/schemas';
import { fail, type Result } from '../errors/GatewayError.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { BUILTIN_CANVAS_TYPES } from './builtinCanvasTypes.ts';

/** Record kind of registered canvas types (`putRecord('canvas_type', '<partition>/<type>', json)`). */
export const CANVAS_TYPE_RECORD_KIND = 'canvas_type';

/** Most manifests kept in memory (oldest dropped first). */
const MAX_CACHED = 10_000;

/**
 * Canvas types per project (contract §5): the built-ins plus those registered with
 * `PUT /v1/projects/{project_id}/canvas-types/{type}` (a registration may shadow a built-in).
 * Re-registering a type replaces it for canvases created afterwards; existing canvases keep
 * the manifest they were created with (stored on the canvas), except that they adopt the new
 * registration's `text_fields` (and their plain strings there are converted: `TextFieldUpgrades`).
 * Authorization is the caller's.
 */
export class CanvasTypeRegistry {
  private readonly builtins = new Map(BUILTIN_CANVAS_TYPES.map((m) => [m.type, m]));
  private readonly cache = new Map<string, CanvasTypeManifest>();
  /**
   * Keys whose cached manifest a fresh `get` found replaced and dropped: the next `refreshAll`
   * reports them as changed even if the new manifest is cached by then (loaded canvases of the
   * type still have to adopt it). Bounded like the cache.
   */
  private readonly stale = new Set<string>();
  /** Bumped on every drop, so a read that raced a replacement is not cached (`refreshAll` re-checks). */
  private generation = 0;

  constructor(private readonly spine: EventSpine) {}

  /**
   * The manifest of `type` in a partition, or null when unknown. `fresh`: read the stored
   * registration even when one is cached (on a shared spine another node may have replaced it
   * and its broadcast not arrived yet); a cached one that differs is dropped.
   */
  async get(
    partition: PartitionId,
    type: string,
    options: { fresh?: boolean } = {},
  ): Promise<CanvasTypeManifest | null> {
    const key = `${partition}/${type}`;
    const cached = this.cache.get(key);
    if (cached && options.fresh !== true) return cached;
    const generation = this.generation;
    const text = await this.spine.getRecord(CANVAS_TYPE_RECORD_KIND, key);
    const stored = text === null ? null : parseStored(text);
    const manifest = stored ?? this.builtins.get(type) ?? null;
    if (cached) {
      if (this.cache.get(key) === cached && JSON.stringify(cached) !== JSON.stringify(manifest)) {
        this.cache.delete(key);
        this.generation += 1;
        if (this.stale.size >= MAX_CACHED) this.stale.delete(this.stale.values().next().value as string);
        this.stale.add(key);
      }
      return manifest;
    }
    // Unknown names are not cached (callers choose them); known ones are, within a bound. A read
    // that started before a re-check dropped entries may be stale: not cached then.
    if (manifest && !this.cache.has(key) && generation === this.generation) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, manifest);
    }
    return this.cache.get(key) ?? manifest;
  }

  /** Another node registered `type` in the partition: the next `get` reads the stored record. */
  invalidate(partition: PartitionId, type: string): void {
    this.cache.delete(`${partition}/${type}`);
    this.generation += 1;
  }

  /** Whether a manifest of `type` in the partition is cached (`refreshAll` compares only those). */
  isCached(partition: PartitionId, type: string): boolean {
    return this.cache.has(`${partition}/${type}`);
  }

  /**
   * Shared spines, after broadcasts may have been lost (a bus outage): compares every cached
   * manifest with its stored registration in one read and drops those that changed. Returns
   * them, so the caller applies what their broadcast would have (loaded canvases' text fields).
   */
  async refreshAll(): Promise<Array<{ partition: PartitionId; type: string }>> {
    // Reads in flight may have started before the change being looked for: they do not cache.
    this.generation += 1;
    const changed: Array<{ partition: PartitionId; type: string }> = [];
    const stale = new Set(this.stale);
    this.stale.clear();
    for (const key of stale) {
      const slash = key.lastIndexOf('/');
      changed.push({ partition: key.slice(0, slash), type: key.slice(slash + 1) });
    }
    if (this.cache.size === 0) return changed;
    const cached = [...this.cache];
    const stored = new Map<string, string>();
    try {
      for (const { key, value } of await this.spine.listRecords(CANVAS_TYPE_RECORD_KIND, '')) stored.set(key, value);
    } catch (err) {
      for (const key of stale) this.stale.add(key); // reported by the next re-check
      throw err;
    }
    for (const [key, manifest] of cached) {
      if (stale.has(key)) continue; // reported above
      const text = stored.get(key);
      const was = JSON.stringify(manifest);
      if (text === was) continue; // as `put` stored it
      const slash = key.lastIndexOf('/');
      const type = key.slice(slash + 1);
      // As `get` reads it: the registration, else the built-in.
      const current = (text === undefined ? null : parseStored(text)) ?? this.builtins.get(type) ?? null;
      if (JSON.stringify(current) === was || this.cache.get(key) !== manifest) continue;
      this.cache.delete(key);
      changed.push({ partition: key.slice(0, slash), type });
    }
    return changed;
  }

  /** Every type of a partition: built-ins, overridden by registrations, sorted by type. */
  async list(partition: PartitionId): Promise<CanvasTypeManifest[]> {
    const byType = new Map(this.builtins);
    for (const { value } of await this.spine.listRecords(CANVAS_TYPE_RECORD_KIND, `${partition}/`)) {
      const m = parseStored(value);
      if (m) byType.set(m.type, m);
    }
    return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }

  /** Validates and stores a manifest for `type` (the path's type must equal the body's). */
  async put(partition: PartitionId, type: string, body: unknown): Promise<Result<CanvasTypeManifest>> {
    if (!slugSchema.safeParse(type).success) {
      return fail('validation_failed', `type: must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$`, {
        issues: [{ path: 'type', message: 'must be a slug' }],
      });
    }
    const parsed = canvasTypeManifestSchema.safeParse(body);
    if (!parsed.success) {
      const described = describeZodError(parsed.error);
      return fail('validation_failed', described.message, described.details);
    }
    const manifest = parsed.data;
    if (manifest.type !== type) {
      return fail(
        'validation_failed',
        `type: the manifest's type '${manifest.type}' differs from the path's '${type}'`,
        {
          issues: [{ path: 'type', message: `must equal '${type}'` }],
        },
      );
    }
    const key = `${partition}/${type}`;
    await this.spine.putRecord(CANVAS_TYPE_RECORD_KIND, key, JSON.stringify(manifest));
    this.cache.set(key, manifest);
    return { ok: true, value: manifest };
  }
}

/** A stored manifest, re-validated on load (a corrupt record reads as absent). */
export function parseStored(text: string): CanvasTypeManifest | null {
  try {
    const parsed = canvasTypeManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
