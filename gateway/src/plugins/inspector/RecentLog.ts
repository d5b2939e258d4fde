/** One remembered warning or error, as the inspector shows it. */
export interface RecentEntry {
  /** ISO-8601 time. */
  readonly at: string;
  readonly tool?: string;
  readonly message: string;
}

/**
 * Whose an entry is, which decides who sees it:
 * - `'host'`: the plugin's own (a failed start, an `init` warning, a crash summary without anything
 *   a call put there): every tenant sees it. Only for messages no call's input can reach.
 * - `{tenantId, projectId?}`: made by a call of that tenant (in that project): only that tenant sees it.
 * - `'unattributed'`: made by a call that named no tenant: no tenant sees it (operator view only).
 */
export type EntryOwner = 'host' | 'unattributed' | CallOwner;

/** The tenant (and project) a call was made for. */
export interface CallOwner {
  readonly tenantId: string;
  readonly projectId?: string;
}

/**
 * Who reads the entries: the operator (every entry; tests and the process itself, never an HTTP
 * caller), or a tenant: the host's entries and its own, those of a project only when `projects`
 * (when given) holds it.
 */
export type InspectorViewer = { readonly operator: true } | TenantViewer;

export interface TenantViewer {
  readonly tenantId: string;
  /** The projects whose entries the viewer may read; absent: every project of the tenant. */
  readonly projects?: ReadonlySet<string>;
}

/** Every entry (tests, the process itself). */
export const OPERATOR_VIEW: InspectorViewer = Object.freeze({ operator: true as const });

interface StoredEntry extends RecentEntry {
  readonly owner: EntryOwner;
}

/**
 * The last `capacity` entries of every owner together, oldest first (one ring of fixed size, so
 * memory is bounded whatever the number of tenants); {@link list} shows a viewer the last `shown`
 * of those it may see.
 */
export class RecentLog {
  private readonly entries: StoredEntry[] = [];

  constructor(
    private readonly capacity = 50,
    private readonly now: () => number = Date.now,
    private readonly shown = capacity,
  ) {}

  add(message: string, tool: string | undefined, owner: EntryOwner): void {
    const text = message.length > 2000 ? `${message.slice(0, 1999)}…` : message;
    const entry: StoredEntry = {
      at: new Date(this.now()).toISOString(),
      message: text,
      ...(tool ? { tool } : {}),
      owner,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** The last `shown` entries `viewer` may see, oldest first, without their owner. */
  list(viewer: InspectorViewer): RecentEntry[] {
    const out: RecentEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < this.shown; i--) {
      const entry = this.entries[i] as StoredEntry;
      if (!visible(entry.owner, viewer)) continue;
      out.push({ at: entry.at, ...(entry.tool !== undefined ? { tool: entry.tool } : {}), message: entry.message });
    }
    return out.reverse();
  }

  /** The projects of `tenantId`'s entries (at most `capacity`). */
  projectsOf(tenantId: string, into: Set<string>): void {
    for (const { owner } of this.entries) {
      if (typeof owner === 'object' && owner.tenantId === tenantId && owner.projectId !== undefined) {
        into.add(owner.projectId);
      }
    }
  }
}

function visible(owner: EntryOwner, viewer: InspectorViewer): boolean {
  if ('operator' in viewer) return true;
  if (owner === 'host') return true;
  if (owner === 'unattributed' || owner.tenantId !== viewer.tenantId) return false;
  return owner.projectId === undefined || viewer.projects === undefined || viewer.projects.has(owner.projectId);
}
