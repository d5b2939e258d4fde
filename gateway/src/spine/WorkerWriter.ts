import type { Worker } from 'node:worker_threads';
import type { AppendRequest } from '../core/spine/EventSpine.ts';
import type { WriteOp } from './WriteQueue.ts';
import { startLibsqlWorker } from './startLibsqlWorker.ts';

/**
 * The writer thread's code, plain CommonJS run with `eval` (as in WalCheckpointer.ts) so it loads
 * the same way under node, tsx and Vitest. It owns a second connection on the same file and runs
 * each batch as one transaction (multi-row inserts, then COMMIT with its fsync); the event loop
 * keeps serving reads from its own connection (WAL). A batch arrives as one message: every string
 * concatenated into `text` with their UTF-16 lengths in `lens` (0xFFFFFFFF = null), every number
 * in `nums` (both typed arrays are transferred), snapshot states in `blobs`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
const NULL = 0xffffffff;
let db;
try {
  db = new Database(workerData.path);
  db.exec('PRAGMA busy_timeout = ' + workerData.busyTimeoutMs);
  db.exec('PRAGMA synchronous = ' + workerData.synchronous);
  db.exec('PRAGMA wal_autocheckpoint = ' + workerData.walAutocheckpointPages);
  db.exec('PRAGMA journal_size_limit = ' + workerData.journalSizeLimit);
  db.exec('PRAGMA temp_store = MEMORY');
} catch (error) {
  db = null;
  parentPort.postMessage({ fatal: String(error) });
}
function multiRow(head, columns) {
  const byRows = new Map();
  const tuple = '(' + new Array(columns).fill('?').join(', ') + ')';
  return (params) => {
    const total = params.length / columns;
    let row = 0;
    while (row < total) {
      const left = total - row;
      const rows = left >= 256 ? 256 : 2 ** Math.floor(Math.log2(left));
      let stmt = byRows.get(rows);
      if (stmt === undefined) {
        stmt = db.prepare(head + ' VALUES ' + new Array(rows).fill(tuple).join(', '));
        byRows.set(rows, stmt);
      }
      const start = row * columns;
      stmt.run(rows === total ? params : params.slice(start, start + rows * columns));
      row += rows;
    }
  };
}
const sql = db && {
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  events: multiRow('INSERT INTO events (partition, seq, canvas_id, type, envelope)', 5),
  commands: multiRow('INSERT INTO commands (partition, command_id, cursor, revision)', 4),
  snapshot: db.prepare('INSERT INTO snapshots (partition, canvas_id, seq, revision, state, meta) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partition, canvas_id) DO UPDATE SET seq = excluded.seq, revision = excluded.revision, state = excluded.state, meta = excluded.meta WHERE excluded.seq >= snapshots.seq'),
  record: db.prepare('INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value'),
  recordIfAbsent: db.prepare('INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING'),
  recordIf: db.prepare('UPDATE records SET value = ? WHERE kind = ? AND key = ? AND value = ?'),
  getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').raw(),
  putMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  deleteBefore: db.prepare('DELETE FROM events WHERE partition = ? AND seq < ?'),
};
function commit(m) {
  const lens = m.lens, nums = m.nums, text = m.text;
  let at = 0, s = 0, n = 0, b = 0;
  const str = () => {
    const len = lens[s++];
    if (len === NULL) return null;
    const out = text.slice(at, at + len);
    at += len;
    return out;
  };
  const eventParams = [], commandParams = [], others = [];
  for (let i = 0; i < m.count; i++) {
    const tag = nums[n++];
    if (tag === 0) {
      const partition = str();
      const firstSeq = nums[n++], events = nums[n++], command = nums[n++];
      for (let e = 0; e < events; e++) eventParams.push(partition, firstSeq + e, str(), str(), str());
      if (command === 1) commandParams.push(partition, str(), str(), nums[n++]);
    } else if (tag === 1) {
      others.push([i, 1, str(), str(), nums[n++], nums[n++], m.blobs[b++], str()]);
    } else if (tag === 2) {
      others.push([i, 2, str(), str(), str()]);
    } else if (tag === 4) {
      others.push([i, 4, str(), str(), str(), str()]);
    } else {
      others.push([i, 3, str(), nums[n++]]);
    }
  }
  const results = [];
  sql.begin.run();
  try {
    if (eventParams.length > 0) sql.events(eventParams);
    if (commandParams.length > 0) sql.commands(commandParams);
    for (const o of others) {
      if (o[1] === 1) sql.snapshot.run([o[2], o[3], o[4], o[5], o[6], o[7]]);
      else if (o[1] === 2) sql.record.run([o[2], o[3], o[4]]);
      else if (o[1] === 4) {
        const { changes } = o[5] === null
          ? sql.recordIfAbsent.run([o[2], o[3], o[4]])
          : sql.recordIf.run([o[4], o[2], o[3], o[5]]);
        results.push(o[0], changes === 1 ? 1 : 0);
      } else {
        const floorKey = 'floor/' + o[2];
        const stored = sql.getMeta.get([floorKey]);
        const floor = stored === undefined ? 1 : Number(stored[0]);
        if (!(Number.isSafeInteger(floor) && floor >= 1)) throw new Error('corrupt floor of ' + o[2]);
        if (o[3] <= floor) results.push(o[0], 0);
        else {
          const { changes } = sql.deleteBefore.run([o[2], o[3]]);
          sql.putMeta.run([floorKey, String(o[3])]);
          results.push(o[0], changes);
        }
      }
    }
    sql.commit.run();
  } catch (error) {
    try { if (db.inTransaction) db.exec('ROLLBACK'); } catch {}
    throw error;
  }
  return results;
}
parentPort.on('message', (m) => {
  if (m.stop === true) {
    try { if (db) db.close(); } catch {}
    parentPort.postMessage({ stopped: true });
    parentPort.close();
    return;
  }
  if (db === null) {
    parentPort.postMessage({ id: m.id, error: 'the writer connection did not open' });
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, results: commit(m) });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String(error) });
  }
});
`;

const NULL_LENGTH = 0xffffffff;

/** A batch in the message form the writer thread reads (see WORKER_SOURCE). */
export interface EncodedBatch {
  readonly count: number;
  readonly text: string;
  readonly lens: Uint32Array;
  readonly nums: Float64Array;
  readonly blobs: Uint8Array[];
}

/** Encodes `batch` for the writer thread: one string, two typed arrays (transferable), snapshot blobs. */
export function encodeBatch(batch: readonly WriteOp[]): EncodedBatch {
  const parts: string[] = [];
  const lens: number[] = [];
  const nums: number[] = [];
  const blobs: Uint8Array[] = [];
  const str = (value: string | null) => {
    if (value === null) {
      lens.push(NULL_LENGTH);
    } else {
      parts.push(value);
      lens.push(value.length);
    }
  };
  for (const op of batch) {
    switch (op.op) {
      case 'append': {
        const command = op.commandId !== undefined && op.outcome !== null;
        nums.push(0, op.firstSeq, op.events.length, command ? 1 : 0);
        str(op.partition);
        for (const event of op.events as readonly AppendRequest['events'][number][]) {
          str(event.canvasId);
          str(event.type);
          str(event.envelope);
        }
        if (command) {
          str(op.commandId as string);
          str(op.outcome?.cursor as string);
          nums.push(op.outcome?.revision as number);
        }
        break;
      }
      case 'snapshot':
        nums.push(1, op.snapshot.seq, op.snapshot.revision);
        str(op.partition);
        str(op.snapshot.canvasId);
        str(op.snapshot.meta);
        blobs.push(op.snapshot.state);
        break;
      case 'record':
        nums.push(2);
        str(op.kind);
        str(op.key);
        str(op.value);
        break;
      case 'recordIf':
        nums.push(4);
        str(op.kind);
        str(op.key);
        str(op.value);
        str(op.expected);
        break;
      case 'compact':
        nums.push(3, op.beforeSeq);
        str(op.partition);
        break;
    }
  }
  return {
    count: batch.length,
    text: parts.join(''),
    lens: Uint32Array.from(lens),
    nums: Float64Array.from(nums),
    blobs,
  };
}

export interface WorkerWriterOptions {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs: number;
  readonly walAutocheckpointPages: number;
  readonly journalSizeLimitBytes: number;
}

/** A committed batch: per op index, the result of the ops that have one (compact's deleted count, recordIf's 1 or 0). */
export type WorkerCommit = { ok: true; results: Map<number, number> } | { ok: false; error: string };

type Reply = { id?: number; results?: number[]; error?: string; fatal?: string; stopped?: boolean };

/**
 * Commits batches in a worker thread with its own connection, one at a time, in order. The
 * caller sends the next batch only after the previous one settled.
 */
export class WorkerWriter {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private nextId = 1;
  private readonly waiting = new Map<number, (result: WorkerCommit) => void>();
  private fatal: string | null = null;

  constructor(options: WorkerWriterOptions) {
    ({ worker: this.worker, exited: this.exited } = startLibsqlWorker(WORKER_SOURCE, {
      path: options.path,
      synchronous: options.synchronous,
      busyTimeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs)),
      walAutocheckpointPages: Math.max(0, Math.floor(options.walAutocheckpointPages)),
      journalSizeLimit: Math.floor(options.journalSizeLimitBytes),
    }));
    this.worker.on('message', (message: Reply) => {
      if (message.fatal !== undefined) {
        this.fatal = message.fatal;
        return;
      }
      if (message.id === undefined) return;
      const settle = this.waiting.get(message.id);
      if (settle === undefined) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) {
        settle({ ok: false, error: message.error });
        return;
      }
      const results = new Map<number, number>();
      const flat = message.results ?? [];
      for (let i = 0; i + 1 < flat.length; i += 2) results.set(flat[i] as number, flat[i + 1] as number);
      settle({ ok: true, results });
    });
    this.worker.on('error', (error) => this.failAll(`the writer thread failed: ${String(error)}`));
    this.worker.once('exit', () => this.failAll('the writer thread exited'));
    this.idle();
  }

  /** Sends one batch; resolves when the worker reports it committed (durable) or rolled back. */
  commit(batch: readonly WriteOp[]): Promise<WorkerCommit> {
    if (this.fatal !== null) return Promise.resolve({ ok: false, error: this.fatal });
    const id = this.nextId++;
    const encoded = encodeBatch(batch);
    this.worker.ref();
    return new Promise((resolve) => {
      this.waiting.set(id, (result) => {
        this.idle();
        resolve(result);
      });
      this.worker.postMessage({ id, ...encoded }, [
        encoded.lens.buffer as ArrayBuffer,
        encoded.nums.buffer as ArrayBuffer,
      ]);
    });
  }

  /** Closes the worker's connection and ends the thread (the caller drained first). */
  async stop(): Promise<void> {
    this.worker.postMessage({ stop: true });
    const timeout = setTimeout(() => void this.worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timeout);
  }

  /** An idle writer does not keep the process alive; one with a batch in flight does. */
  private idle(): void {
    if (this.waiting.size === 0) this.worker.unref();
  }

  private failAll(error: string): void {
    this.fatal ??= error;
    for (const settle of this.waiting.values()) settle({ ok: false, error });
    this.waiting.clear();
  }
}
