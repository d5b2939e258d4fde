import type Database from 'libsql';
import { SpineError } from '../core/spine/SpineError.ts';

type Statement = Database.Statement;

/** Largest multi-row INSERT (rows); 256 × 5 parameters stays far below SQLite's 32766 limit. */
const MAX_CHUNK_ROWS = 256;

/**
 * Multi-row `INSERT … VALUES (…), (…)` statements, prepared lazily for power-of-two row counts
 * only (1, 2, 4 … 256), so any batch is written with at most 8 + ⌊n/256⌋ statement calls and
 * the cache stays at 9 statements. One native call per chunk instead of one per row roughly
 * doubles the insert rate over per-row `run` (see README.md).
 */
export class MultiRowInsert {
  private readonly byRows = new Map<number, Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly columns: number,
  ) {}

  /** Inserts `params.length / columns` rows; `params` is row-major. */
  run(params: readonly unknown[]): void {
    const total = params.length / this.columns;
    let row = 0;
    while (row < total) {
      const left = total - row;
      const rows = left >= MAX_CHUNK_ROWS ? MAX_CHUNK_ROWS : 2 ** Math.floor(Math.log2(left));
      const start = row * this.columns;
      const chunk = rows === total ? params : params.slice(start, start + rows * this.columns);
      this.statement(rows).run(chunk);
      row += rows;
    }
  }

  private statement(rows: number): Statement {
    let stmt = this.byRows.get(rows);
    if (stmt === undefined) {
      const tuple = `(${new Array(this.columns).fill('?').join(', ')})`;
      stmt = this.db.prepare(`${this.head} VALUES ${new Array(rows).fill(tuple).join(', ')}`);
      this.byRows.set(rows, stmt);
    }
    return stmt;
  }
}

/** Every statement the spine runs, prepared once per connection. Selects are in raw (array) mode. */
export function prepareSpineStatements(db: Database.Database) {
  const raw = (sql: string) => db.prepare(sql).raw();
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    insertEvents: new MultiRowInsert(db, 'INSERT INTO events (partition, seq, canvas_id, type, envelope)', 5),
    insertCommands: new MultiRowInsert(db, 'INSERT INTO commands (partition, command_id, cursor, revision)', 4),
    maxSeq: raw('SELECT max(seq) FROM events WHERE partition = ?'),
    readAll: raw(
      'SELECT seq, canvas_id, type, envelope FROM events WHERE partition = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    readCanvas: raw(
      'SELECT seq, canvas_id, type, envelope FROM events WHERE partition = ? AND canvas_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    // Two index range scans (events_by_canvas: the canvas's rows, then the NULL-canvas rows),
    // each cut at the limit, merged by seq. Parameters: partition, canvas, after, limit,
    // partition, after, limit, limit.
    readCanvasAndProject: raw(
      `SELECT seq, canvas_id, type, envelope FROM (
         SELECT * FROM (SELECT seq, canvas_id, type, envelope FROM events
           WHERE partition = ? AND canvas_id = ? AND seq > ? ORDER BY seq LIMIT ?)
         UNION ALL
         SELECT * FROM (SELECT seq, canvas_id, type, envelope FROM events
           WHERE partition = ? AND canvas_id IS NULL AND seq > ? ORDER BY seq LIMIT ?)
       ) ORDER BY seq LIMIT ?`,
    ),
    commandExists: raw('SELECT 1 FROM commands WHERE partition = ? AND command_id = ?'),
    lookupCommand: raw('SELECT cursor, revision FROM commands WHERE partition = ? AND command_id = ?'),
    upsertSnapshot: db.prepare(
      `INSERT INTO snapshots (partition, canvas_id, seq, revision, state, meta) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (partition, canvas_id) DO UPDATE SET
         seq = excluded.seq, revision = excluded.revision, state = excluded.state, meta = excluded.meta
       WHERE excluded.seq >= snapshots.seq`,
    ),
    loadSnapshot: raw('SELECT seq, revision, state, meta FROM snapshots WHERE partition = ? AND canvas_id = ?'),
    deleteBefore: db.prepare('DELETE FROM events WHERE partition = ? AND seq < ?'),
    getMeta: raw('SELECT value FROM meta WHERE key = ?'),
    putMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    getRecord: raw('SELECT value FROM records WHERE kind = ? AND key = ?'),
    putRecord: db.prepare(
      'INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value',
    ),
    insertRecordIfAbsent: db.prepare(
      'INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING',
    ),
    updateRecordIf: db.prepare('UPDATE records SET value = ? WHERE kind = ? AND key = ? AND value = ?'),
    listRecords: raw('SELECT key, value FROM records WHERE kind = ? AND key >= ? AND key < ? ORDER BY key'),
    listRecordsOpen: raw('SELECT key, value FROM records WHERE kind = ? AND key >= ? ORDER BY key'),
  };
}

export type SpineStatements = ReturnType<typeof prepareSpineStatements>;

/** The meta key holding a partition's compaction watermark (its floor). */
export function floorKey(partition: string): string {
  return `floor/${partition}`;
}

/**
 * A partition's stored compaction floor, or null when it was never compacted. A stored value that
 * is not a positive integer throws a `corrupt_row` SpineError.
 */
export function storedFloor(sql: SpineStatements, partition: string): number | null {
  const value = (sql.getMeta.get([floorKey(partition)]) as unknown[] | undefined)?.[0];
  if (value === undefined) return null;
  const floor = Number(value);
  if (!Number.isSafeInteger(floor) || floor < 1) {
    throw new SpineError('corrupt_row', `corrupt floor of ${partition}: ${JSON.stringify(value)}`, { partition });
  }
  return floor;
}
