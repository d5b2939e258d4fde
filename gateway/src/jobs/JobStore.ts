import type pino from 'pino';
import type { EventSpine } from '../core/spine/EventSpine.ts';
import { JOB_RECORD_KIND, type JobRecord, jobKey, parseJobRecord } from './JobRecord.ts';

/** Spine record kind listing the jobs a node has queued or running (`key` = the node key). */
export const ACTIVE_JOBS_KIND = 'job-active';

/** The spine records a job store needs. */
export type JobRecordSpine = Pick<EventSpine, 'getRecord' | 'putRecord' | 'putRecordIf' | 'listRecords'>;

interface Entry {
  /** JSON of the newest record not yet written by a timer. */
  pending: string | null;
  timer: NodeJS.Timeout | null;
  lastWrite: number;
  chain: Promise<void>;
}

/**
 * Job records in the spine: throttled writes (at most one per `persistEveryMs` per job, the
 * newest wins; forced writes go at once), serialized per job so an older write never lands after
 * a newer one, and the node's list of active jobs (`job-active/<nodeKey>`) used to find jobs a
 * dead node left behind. Storage failures are logged, never thrown.
 */
export class JobStore {
  private readonly entries = new Map<string, Entry>();
  private readonly active = new Set<string>();
  private activeChain: Promise<void> = Promise.resolve();
  private activeQueued = false;

  constructor(
    private readonly spine: JobRecordSpine,
    readonly nodeKey: string,
    private readonly persistEveryMs: number,
    private readonly logger?: pino.Logger,
  ) {}

  /** The stored job, null when absent, `'corrupt'` when the stored text is not a job record. */
  async load(partition: string, jobId: string): Promise<JobRecord | null | 'corrupt'> {
    const text = await this.spine.getRecord(JOB_RECORD_KIND, jobKey(partition, jobId));
    if (text === null) return null;
    return parseJobRecord(text) ?? 'corrupt';
  }

  /** Loads by full key (`<tenant>/<project>/<job_id>`). */
  async loadKey(key: string): Promise<JobRecord | null> {
    const text = await this.spine.getRecord(JOB_RECORD_KIND, key);
    return text === null ? null : parseJobRecord(text);
  }

  /**
   * Stores `record` only if no job is stored under its id (a compare-and-set, so of nodes racing
   * on one chosen id exactly one gets `true`); later {@link save}s of it follow. Rejects when
   * storage fails (the caller answers 503).
   */
  async create(record: JobRecord): Promise<boolean> {
    const key = keyOf(record);
    const created = await this.spine.putRecordIf(JOB_RECORD_KIND, key, JSON.stringify(record), null);
    if (created) {
      const entry = this.entries.get(key);
      if (entry) entry.lastWrite = Date.now();
      else this.entries.set(key, { pending: null, timer: null, lastWrite: Date.now(), chain: Promise.resolve() });
    }
    return created;
  }

  /**
   * Stores `record` (a snapshot is taken now). `force`: written at once (resolves once durable);
   * otherwise at most once per `persistEveryMs`, the latest snapshot winning.
   */
  save(record: JobRecord, force: boolean): Promise<void> {
    const key = keyOf(record);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { pending: null, timer: null, lastWrite: Number.NEGATIVE_INFINITY, chain: Promise.resolve() };
      this.entries.set(key, entry);
    }
    const text = JSON.stringify(record);
    const now = Date.now();
    if (force || (entry.timer === null && now - entry.lastWrite >= this.persistEveryMs)) {
      if (entry.timer !== null) clearTimeout(entry.timer);
      entry.timer = null;
      entry.pending = null;
      return this.write(key, entry, text);
    }
    entry.pending = text;
    if (entry.timer === null) {
      const target = entry;
      target.timer = setTimeout(
        () => {
          target.timer = null;
          const pending = target.pending;
          target.pending = null;
          if (pending !== null) void this.write(key, target, pending);
        },
        Math.max(1, this.persistEveryMs - (now - entry.lastWrite)),
      );
      target.timer.unref();
    }
    return Promise.resolve();
  }

  /** Forgets a finished job's throttle state once its last write is done. */
  async forget(record: JobRecord): Promise<void> {
    const key = keyOf(record);
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
    entry.pending = null;
    await entry.chain;
    if (this.entries.get(key) === entry && entry.timer === null) this.entries.delete(key);
  }

  /** Adds or removes a job from this node's active list (written in the background, latest wins). */
  setActive(record: JobRecord, active: boolean): Promise<void> {
    const key = keyOf(record);
    if (active) this.active.add(key);
    else this.active.delete(key);
    return this.writeActive();
  }

  /** Writes this node's active list as it is now (coalesced with a write already waiting). */
  writeActive(): Promise<void> {
    if (this.activeQueued) return this.activeChain;
    this.activeQueued = true;
    this.activeChain = this.activeChain.then(async () => {
      this.activeQueued = false;
      try {
        await this.spine.putRecord(ACTIVE_JOBS_KIND, this.nodeKey, JSON.stringify([...this.active]));
      } catch (err) {
        this.logger?.warn({ err }, 'storing the list of active jobs failed');
      }
    });
    return this.activeChain;
  }

  /** Every node's list of active jobs (`[{node, keys}]`); unreadable lists are skipped. */
  async listActive(): Promise<Array<{ node: string; keys: string[] }>> {
    const rows = await this.spine.listRecords(ACTIVE_JOBS_KIND, '');
    const out: Array<{ node: string; keys: string[] }> = [];
    for (const row of rows) {
      try {
        const keys = JSON.parse(row.value) as unknown;
        if (Array.isArray(keys)) out.push({ node: row.key, keys: keys.filter((k) => typeof k === 'string') });
      } catch {
        // skipped
      }
    }
    return out;
  }

  /** Empties another (dead) node's list once its jobs are settled. */
  async clearActive(node: string): Promise<void> {
    if (node === this.nodeKey) return;
    await this.spine.putRecord(ACTIVE_JOBS_KIND, node, '[]');
  }

  /** Resolves once every write issued so far is done. */
  async drain(): Promise<void> {
    for (const [key, entry] of this.entries) {
      if (entry.timer !== null) {
        clearTimeout(entry.timer);
        entry.timer = null;
        const pending = entry.pending;
        entry.pending = null;
        if (pending !== null) void this.write(key, entry, pending);
      }
    }
    await Promise.all([...this.entries.values()].map((e) => e.chain));
    await this.activeChain;
  }

  private write(key: string, entry: Entry, text: string): Promise<void> {
    entry.lastWrite = Date.now();
    entry.chain = entry.chain.then(async () => {
      try {
        await this.spine.putRecord(JOB_RECORD_KIND, key, text);
      } catch (err) {
        this.logger?.warn({ err, job: key }, 'storing a job record failed');
      }
    });
    return entry.chain;
  }
}

function keyOf(record: JobRecord): string {
  return jobKey(`${record.scope.tenant_id}/${record.scope.project_id}`, record.job_id);
}
