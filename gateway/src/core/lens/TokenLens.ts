import { DEFAULT_LENS_POLICY, describeZodError, type LensPolicy, lensPolicySchema } from '@easel/schemas';
import { fail, type Result } from '../errors/GatewayError.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { buildLensView } from './buildLensView.ts';
import { effectivePermissions } from './effectivePermissions.ts';
import type { LensView } from './LensView.ts';

/** Record kind of persisted lens policies (`putRecord('lens', partition, json)`). */
export const LENS_RECORD_KIND = 'lens';

/** Most partitions whose policy is kept in memory (oldest dropped first; reloaded on demand). */
const MAX_CACHED_PARTITIONS = 10_000;

interface PartitionLens {
  readonly policy: LensPolicy | null;
  readonly views: Map<string, LensView>;
  /** The stored record's text it came from (null: none stored), to tell a changed record (`refresh`). */
  readonly text: string | null;
}

/** Reads of one partition's policy that a change may overtake before one is cached (see `loadCurrent`). */
const MAX_LOAD_ATTEMPTS = 5;

/**
 * Per-project lens policies (contract §6): persisted as spine records, cached in memory with
 * their views (one per distinct role set). A policy change replaces the cache entry and then
 * notifies listeners (fan-out re-sends CANVAS_READY).
 *
 * Other nodes learn of a change through the bus's broadcast (`GatewayCore` calls
 * `invalidate`), or, when it is lost, through the durable change marker (`ChangeMarker`:
 * `GatewayCore` then calls `refreshAll`).
 */
export class TokenLens {
  private readonly cache = new Map<PartitionId, PartitionLens>();
  private readonly loading = new Map<PartitionId, Promise<PartitionLens>>();
  private readonly listeners = new Set<(partition: PartitionId) => void>();
  /** Bumped per partition on every put, so a load that raced a put is not cached. */
  private readonly generations = new Map<PartitionId, number>();

  constructor(private readonly spine: EventSpine) {}

  /** The stored policy, or null when the project has none (the built-in default applies). */
  async storedPolicy(partition: PartitionId): Promise<LensPolicy | null> {
    return (await this.entry(partition)).policy;
  }

  /** The view of an actor with `roles` in a partition. */
  async view(partition: PartitionId, roles: readonly string[]): Promise<LensView> {
    const entry = await this.entry(partition);
    const rolesKey = [...new Set(roles)].sort().join('\u0000');
    let view = entry.views.get(rolesKey);
    if (!view) {
      view = buildLensView(effectivePermissions(entry.policy, roles));
      entry.views.set(rolesKey, view);
    }
    return view;
  }

  /** Validates and stores a policy, then notifies listeners. Authorization is the caller's. */
  async put(partition: PartitionId, body: unknown): Promise<Result<LensPolicy>> {
    const parsed = lensPolicySchema.safeParse(body);
    if (!parsed.success) {
      const described = describeZodError(parsed.error);
      return fail('validation_failed', described.message, described.details);
    }
    const policy = parsed.data;
    const undeclared = undeclaredDefaultRole(policy);
    if (undeclared !== null)
      return fail('validation_failed', `default_role: ${undeclared}`, {
        issues: [{ path: 'default_role', message: undeclared }],
      });
    const text = JSON.stringify(policy);
    await this.spine.putRecord(LENS_RECORD_KIND, partition, text);
    this.generations.set(partition, (this.generations.get(partition) ?? 0) + 1);
    this.remember(partition, { policy, views: new Map(), text });
    this.loading.delete(partition);
    this.notify(partition);
    return { ok: true, value: policy };
  }

  /**
   * Another node changed the partition's policy: drop the cached one (the next view reloads
   * the stored record) and notify listeners, as after a local put.
   */
  invalidate(partition: PartitionId): void {
    this.generations.set(partition, (this.generations.get(partition) ?? 0) + 1);
    this.cache.delete(partition);
    this.loading.delete(partition);
    this.notify(partition);
  }

  /**
   * Shared spines: re-reads the stored policy and, when it differs from the cached one (another
   * node changed it and its broadcast has not arrived yet, or was lost in a Redis outage), drops
   * the cached one and notifies listeners, as `invalidate`. Write turns call it, so a command
   * sent after a lens PUT answered on another node is judged by the new policy.
   */
  async refresh(partition: PartitionId): Promise<void> {
    const cached = this.cache.get(partition);
    if (cached === undefined) return; // nothing cached: the next view loads the stored policy
    const text = await this.spine.getRecord(LENS_RECORD_KIND, partition);
    if (text !== cached.text && this.cache.get(partition) === cached) this.invalidate(partition);
  }

  /**
   * Refreshes every cached policy against the stored ones in one read (after the bus may have
   * lost broadcasts: `BUS_RESYNC_TOPIC`); changed ones are dropped and listeners notified.
   */
  async refreshAll(): Promise<void> {
    // Loads in flight may have read a record before the change being looked for: they do not cache.
    for (const partition of this.loading.keys()) {
      this.generations.set(partition, (this.generations.get(partition) ?? 0) + 1);
    }
    if (this.cache.size === 0) return;
    const cached = [...this.cache];
    const stored = new Map<string, string>();
    for (const { key, value } of await this.spine.listRecords(LENS_RECORD_KIND, '')) stored.set(key, value);
    for (const [partition, entry] of cached) {
      if ((stored.get(partition) ?? null) !== entry.text && this.cache.get(partition) === entry) {
        this.invalidate(partition);
      }
    }
  }

  private notify(partition: PartitionId): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(partition);
      } catch {
        // A listener's failure must not undo a stored policy.
      }
    }
  }

  /** Calls `listener(partition)` after every successful put. Returns its unsubscribe. */
  onChanged(listener: (partition: PartitionId) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private remember(partition: PartitionId, entry: PartitionLens): void {
    this.cache.delete(partition);
    if (this.cache.size >= MAX_CACHED_PARTITIONS) this.cache.delete(this.cache.keys().next().value as PartitionId);
    this.cache.set(partition, entry);
  }

  private entry(partition: PartitionId): Promise<PartitionLens> | PartitionLens {
    const cached = this.cache.get(partition);
    if (cached) return cached;
    let pending = this.loading.get(partition);
    if (!pending) {
      pending = this.loadCurrent(partition).then((loaded) => {
        if (this.loading.get(partition) === pending) this.loading.delete(partition);
        return this.cache.get(partition) ?? loaded;
      });
      pending.catch(() => {
        if (this.loading.get(partition) === pending) this.loading.delete(partition);
      });
      this.loading.set(partition, pending);
    }
    return pending;
  }

  /**
   * Loads the stored policy and caches it. A read that a change overtook (a put, an invalidation
   * or a re-check bumped the partition's generation meanwhile) may hold the old policy: it is read
   * again rather than handed out uncached, since a view nobody caches is never told of the next
   * change (an open stream would filter with it for good). After {@link MAX_LOAD_ATTEMPTS} reads
   * overtaken in a row, the last is returned uncached.
   */
  private async loadCurrent(partition: PartitionId): Promise<PartitionLens> {
    for (let attempt = 1; ; attempt++) {
      const generation = this.generations.get(partition) ?? 0;
      const loaded = await this.load(partition);
      if ((this.generations.get(partition) ?? 0) === generation) {
        if (!this.cache.has(partition)) this.remember(partition, loaded);
        return loaded;
      }
      if (attempt >= MAX_LOAD_ATTEMPTS) return loaded;
    }
  }

  private async load(partition: PartitionId): Promise<PartitionLens> {
    const text = await this.spine.getRecord(LENS_RECORD_KIND, partition);
    if (text === null) return { policy: null, views: new Map(), text };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = lensPolicySchema.safeParse(json);
    // A stored policy that no longer parses denies everything but admin: never fall open.
    const policy: LensPolicy = parsed.success ? parsed.data : { roles: {} };
    return { policy, views: new Map(), text };
  }
}

/**
 * Why a policy's `default_role` names no role it could grant (it is neither under `roles` nor a
 * built-in role), or `null`. Such a default silently granted nothing; a PUT refuses it. A stored
 * policy is not re-checked on load (its listed roles keep working).
 */
function undeclaredDefaultRole(policy: LensPolicy): string | null {
  const name = policy.default_role;
  if (name === undefined || Object.hasOwn(policy.roles, name) || Object.hasOwn(DEFAULT_LENS_POLICY.roles, name)) {
    return null;
  }
  const builtIn = Object.keys(DEFAULT_LENS_POLICY.roles).join(', ');
  return `'${name}' is neither a role of this policy nor a built-in role (${builtIn}); list it under roles or name one of those`;
}
