/** A schema name the spine accepts: a plain lower-case identifier, at most 63 bytes (PostgreSQL's limit). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `name` as a quoted identifier. Only for names checked against {@link SCHEMA_NAME}. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Every statement the spine runs, with table names qualified by the schema (no `search_path`
 * games, so a pooler in front changes nothing). Parameterised statements carry a name: each
 * connection prepares them once.
 */
export function pgStatements(schema: string) {
  const s = quoteIdent(schema);
  const t = {
    partitions: `${s}.partitions`,
    floors: `${s}.floors`,
    events: `${s}.events`,
    commands: `${s}.commands`,
    snapshots: `${s}.snapshots`,
    records: `${s}.records`,
  };
  // The schema goes into statement names: one process may open spines on several schemas.
  const named = (name: string, text: string) => ({ name: `easel.${schema}.${name}`, text });
  return {
    /**
     * Opens a write turn in one round trip (simple protocol, so the partition is a literal): the
     * partition row is created if missing, then locked. The lock is what serializes writers of the
     * partition across nodes; it is held until COMMIT or ROLLBACK, or until the connection dies.
     */
    beginTurn: (partitionLiteral: string) =>
      `BEGIN; INSERT INTO ${t.partitions} (partition) VALUES (${partitionLiteral}) ON CONFLICT DO NOTHING; ` +
      `SELECT head FROM ${t.partitions} WHERE partition = ${partitionLiteral} FOR UPDATE`,
    /**
     * A turn's writes in one statement: the events, the command outcomes and the new head.
     * $1 partition, $2–$5 events (seq, canvas_id, type, envelope), $6–$8 commands
     * (command_id, cursor, revision), $9 head.
     */
    commitTurn: named(
      'commit_turn',
      `WITH ev AS (
         INSERT INTO ${t.events} (partition, seq, canvas_id, type, envelope)
         SELECT $1, u.seq, u.canvas_id, u.type, u.envelope
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(seq, canvas_id, type, envelope)
       ), cmd AS (
         INSERT INTO ${t.commands} (partition, command_id, cursor, revision)
         SELECT $1, c.command_id, c.cursor, c.revision
         FROM unnest($6::text[], $7::text[], $8::bigint[]) AS c(command_id, cursor, revision)
       )
       UPDATE ${t.partitions} SET head = $9 WHERE partition = $1`,
    ),
    /** More events of a large turn, before `commitTurn`. */
    insertEvents: named(
      'insert_events',
      `INSERT INTO ${t.events} (partition, seq, canvas_id, type, envelope)
       SELECT $1, u.seq, u.canvas_id, u.type, u.envelope
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(seq, canvas_id, type, envelope)`,
    ),
    storedCommands: named(
      'stored_commands',
      `SELECT command_id FROM ${t.commands} WHERE partition = $1 AND command_id = ANY($2::text[])`,
    ),
    lookupCommands: named(
      'lookup_commands',
      `SELECT command_id, cursor, revision FROM ${t.commands} WHERE partition = $1 AND command_id = ANY($2::text[])`,
    ),
    readAll: named(
      'read_all',
      `SELECT seq, canvas_id, type, envelope FROM ${t.events} WHERE partition = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    ),
    readCanvas: named(
      'read_canvas',
      `SELECT seq, canvas_id, type, envelope FROM ${t.events}
       WHERE partition = $1 AND canvas_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
    ),
    // Two index range scans (events_by_canvas: the canvas's rows, then the NULL-canvas rows),
    // each cut at the limit, merged by seq.
    readCanvasAndProject: named(
      'read_canvas_and_project',
      `SELECT seq, canvas_id, type, envelope FROM (
         (SELECT seq, canvas_id, type, envelope FROM ${t.events}
           WHERE partition = $1 AND canvas_id = $2 AND seq > $3 ORDER BY seq LIMIT $4)
         UNION ALL
         (SELECT seq, canvas_id, type, envelope FROM ${t.events}
           WHERE partition = $1 AND canvas_id IS NULL AND seq > $3 ORDER BY seq LIMIT $4)
       ) AS e ORDER BY seq LIMIT $4`,
    ),
    head: named('head', `SELECT head FROM ${t.partitions} WHERE partition = $1`),
    floor: named('floor', `SELECT floor FROM ${t.floors} WHERE partition = $1`),
    ensureFloor: named(
      'ensure_floor',
      `INSERT INTO ${t.floors} (partition, floor) VALUES ($1, 1) ON CONFLICT DO NOTHING`,
    ),
    lockFloor: named('lock_floor', `SELECT floor FROM ${t.floors} WHERE partition = $1 FOR UPDATE`),
    setFloor: named('set_floor', `UPDATE ${t.floors} SET floor = $2 WHERE partition = $1`),
    deleteBefore: named('delete_before', `DELETE FROM ${t.events} WHERE partition = $1 AND seq < $2`),
    upsertSnapshot: named(
      'upsert_snapshot',
      `INSERT INTO ${t.snapshots} AS s (partition, canvas_id, seq, revision, state, meta) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (partition, canvas_id) DO UPDATE SET
         seq = excluded.seq, revision = excluded.revision, state = excluded.state, meta = excluded.meta
       WHERE excluded.seq >= s.seq`,
    ),
    loadSnapshot: named(
      'load_snapshot',
      `SELECT seq, revision, state, meta FROM ${t.snapshots} WHERE partition = $1 AND canvas_id = $2`,
    ),
    getRecord: named('get_record', `SELECT value FROM ${t.records} WHERE kind = $1 AND key = $2`),
    putRecord: named(
      'put_record',
      `INSERT INTO ${t.records} (kind, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value`,
    ),
    insertRecordIfAbsent: named(
      'insert_record_if_absent',
      `INSERT INTO ${t.records} (kind, key, value) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO NOTHING`,
    ),
    updateRecordIf: named(
      'update_record_if',
      `UPDATE ${t.records} SET value = $3 WHERE kind = $1 AND key = $2 AND value = $4`,
    ),
    listRecords: named(
      'list_records',
      `SELECT key, value FROM ${t.records} WHERE kind = $1 AND key >= $2 AND key < $3 ORDER BY key`,
    ),
    listRecordsOpen: named(
      'list_records_open',
      `SELECT key, value FROM ${t.records} WHERE kind = $1 AND key >= $2 ORDER BY key`,
    ),
  };
}

export type PgStatements = ReturnType<typeof pgStatements>;
