import type pino from 'pino';
import type { EventSpine } from '../../core/spine/EventSpine.ts';
import { parseRunRecord, RUN_RECORD_KIND, type RunRecord, runKey } from './RunRecord.ts';

/** Spine record kind listing the runs a node has live (`key` = the node key, value a JSON list of run keys). */
export const ACTIVE_RUNS_KIND = 'run-active';

/** The spine records a run store needs. */
export type RunRecordSpine = Pick<EventSpine, 'getRecord' | 'putRecord' | 'putRecordIf' | 'listRecords'>;

/**
 * Run records in the spine: writes serialized per run (an older write never lands after a newer
 * one) and each node's list of live runs (`run-active/<node>`), from which a restarted node, or
 * any node once a dead node's leases ran out, finds the runs left without a verdict. Storage
 * failures are logged and reported as `false`, never thrown.
 */
export class RunStore {
  private readonly chains = new Map<string, Promise<boolean>>();
  private readonly active = new Set<string>();
  private activeChain: Promise<boolean> = Promise.resolve(true);
  private activeQueued = false;

  constructor(
    private readonly spine: RunRecordSpine,
    readonly nodeKey: string,
    private readonly logger?: pino.Logger,
  ) {}

  /** The stored run, null when absent, `'corrupt'` when the stored text is not a run record. Rejects when storage fails. */
  async load(partition: string, runId: string): Promise<RunRecord | null | 'corrupt'> {
    const text = await this.spine.getRecord(RUN_RECORD_KIND, runKey(partition, runId));
    if (text === null) return null;
    return parseRunRecord(text) ?? 'corrupt';
  }

  /** Loads by full key; null when absent or unreadable. */
  async loadKey(key: string): Promise<RunRecord | null> {
    const text = await this.spine.getRecord(RUN_RECORD_KIND, key);
    return text === null ? null : parseRunRecord(text);
  }

  /**
   * Stores `record` only if no run is stored under its id (a compare-and-set, so of nodes racing on
   * one chosen id exactly one gets `'created'`; the others `'exists'`); `'failed'` when storage
   * failed (logged). Later {@link save}s of the run follow it.
   */
  create(record: RunRecord): Promise<'created' | 'exists' | 'failed'> {
    const key = keyOf(record);
    const text = JSON.stringify(record);
    let verdict: 'created' | 'exists' | 'failed' = 'failed';
    const previous = this.chains.get(key) ?? Promise.resolve(true);
    const next = previous.then(async () => {
      try {
        verdict = (await this.spine.putRecordIf(RUN_RECORD_KIND, key, text, null)) ? 'created' : 'exists';
        return verdict === 'created';
      } catch (err) {
        this.logger?.warn({ err, run: key }, 'storing a new run record failed');
        return false;
      }
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next.then(() => verdict);
  }

  /** Stores a snapshot of `record` (taken now); resolves once written (true) or the failure logged (false). */
  save(record: RunRecord): Promise<boolean> {
    const key = keyOf(record);
    const text = JSON.stringify(record);
    const previous = this.chains.get(key) ?? Promise.resolve(true);
    const next = previous.then(async () => {
      try {
        await this.spine.putRecord(RUN_RECORD_KIND, key, text);
        return true;
      } catch (err) {
        this.logger?.warn({ err, run: key }, 'storing a run record failed');
        return false;
      }
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Adds or removes a run from this node's live list (written at once, latest wins); false when the write failed. */
  setActive(record: RunRecord, active: boolean): Promise<boolean> {
    const key = keyOf(record);
    if (active) this.active.add(key);
    else this.active.delete(key);
    return this.writeActive();
  }

  /** Writes this node's live list as it is now (coalesced with a write already waiting); false when it failed. */
  writeActive(): Promise<boolean> {
    if (this.activeQueued) return this.activeChain;
    this.activeQueued = true;
    this.activeChain = this.activeChain.then(async () => {
      this.activeQueued = false;
      try {
        await this.spine.putRecord(ACTIVE_RUNS_KIND, this.nodeKey, JSON.stringify([...this.active]));
        return true;
      } catch (err) {
        this.logger?.warn({ err }, 'storing the list of live runs failed');
        return false;
      }
    });
    return this.activeChain;
  }

  /** Every node's list of live runs (`[{node, keys}]`); unreadable lists are skipped. Rejects when storage fails. */
  async listActive(): Promise<Array<{ node: string; keys: string[] }>> {
    const rows = await this.spine.listRecords(ACTIVE_RUNS_KIND, '');
    const out: Array<{ node: string; keys: string[] }> = [];
    for (const row of rows) {
      const keys = parseKeys(row.value);
      if (keys !== null) out.push({ node: row.key, keys });
    }
    return out;
  }

  /** Empties another (dead) node's list once its runs are settled. */
  async clearActive(node: string): Promise<void> {
    if (node === this.nodeKey) return;
    await this.spine.putRecord(ACTIVE_RUNS_KIND, node, '[]');
  }

  /** The run keys a node listed as live (empty when none or unreadable). */
  async listed(node: string): Promise<string[]> {
    const text = await this.spine.getRecord(ACTIVE_RUNS_KIND, node);
    return text === null ? [] : (parseKeys(text) ?? []);
  }

  /** Resolves once every write issued so far is done. */
  async drain(): Promise<void> {
    await Promise.all([...this.chains.values()]);
    await this.activeChain;
  }
}

function parseKeys(text: string): string[] | null {
  try {
    const keys = JSON.parse(text) as unknown;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : null;
  } catch {
    return null;
  }
}

function keyOf(record: RunRecord): string {
  return runKey(`${record.scope.tenant_id}/${record.scope.project_id}`, record.run_id);
}
