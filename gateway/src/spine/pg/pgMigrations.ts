import type { ClientBase } from 'pg';
import { SpineError } from '../../core/spine/SpineError.ts';
import { newEpoch } from '../sqliteMigrations.ts';
import { quoteIdent } from './pgSql.ts';

/**
 * One schema step. `id` is fixed forever once shipped (databases in the field record it); `sql`
 * returns the statements for the (quoted) schema and runs inside the migration transaction.
 */
export interface PgMigration {
  readonly id: string;
  readonly sql: (schema: string) => string;
}

/** The schema history, oldest first. Append only: never edit or reorder a shipped entry. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    id: '0001-initial',
    // Keys use the "C" collation: code-point order (records are listed by prefix in key order,
    // as in SQLite) and plain byte comparisons in the indexes.
    sql: (s) => `
      CREATE TABLE ${s}.meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
      -- One row per partition: its durable head. Write turns lock it (SELECT … FOR UPDATE).
      CREATE TABLE ${s}.partitions (
        partition text COLLATE "C" PRIMARY KEY,
        head bigint NOT NULL DEFAULT 0 CHECK (head >= 0)
      );
      -- Compaction watermarks, apart from the head row so that compaction never waits for a turn.
      CREATE TABLE ${s}.floors (
        partition text COLLATE "C" PRIMARY KEY,
        floor bigint NOT NULL CHECK (floor >= 1)
      );
      CREATE TABLE ${s}.events (
        partition text COLLATE "C" NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        canvas_id text COLLATE "C",
        type text NOT NULL,
        envelope text NOT NULL,
        PRIMARY KEY (partition, seq)
      );
      CREATE INDEX events_by_canvas ON ${s}.events (partition, canvas_id, seq);
      CREATE TABLE ${s}.commands (
        partition text COLLATE "C" NOT NULL,
        command_id text COLLATE "C" NOT NULL,
        cursor text NOT NULL,
        revision bigint NOT NULL,
        PRIMARY KEY (partition, command_id)
      );
      CREATE TABLE ${s}.snapshots (
        partition text COLLATE "C" NOT NULL,
        canvas_id text COLLATE "C" NOT NULL,
        seq bigint NOT NULL,
        revision bigint NOT NULL,
        state bytea NOT NULL,
        meta text NOT NULL,
        PRIMARY KEY (partition, canvas_id)
      );
      CREATE TABLE ${s}.records (
        kind text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (kind, key)
      );
    `,
  },
];

export interface PgMigrationReport {
  readonly epoch: string;
  readonly schemaVersion: number;
  /** Ids applied by this call (empty when the schema was already current). */
  readonly applied: readonly string[];
}

export type PgMigrateResult = { ok: true; value: PgMigrationReport } | { ok: false; error: SpineError };

function openFailed(message: string, cause?: unknown): { ok: false; error: SpineError } {
  return { ok: false, error: new SpineError('open_failed', message, undefined, cause) };
}

/** Rolled back on purpose (a refused schema): carries the result out of the transaction. */
class Refused extends Error {
  constructor(readonly result: { ok: false; error: SpineError }) {
    super(result.error.message);
  }
}

/**
 * Brings `schema` to the newest version in one transaction and creates the epoch with it.
 * Idempotent, and safe when several nodes start at once: the transaction first takes an advisory
 * lock keyed by the schema name (`pg_advisory_xact_lock`), so one node migrates while the others
 * wait and then find the schema current. Refuses a schema written by a newer build or with a
 * different history (`open_failed`). `client` must not be inside a transaction.
 */
export async function applyPgMigrations(
  client: ClientBase,
  schema: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<PgMigrateResult> {
  const s = quoteIdent(schema);
  try {
    await client.query('BEGIN');
  } catch (cause) {
    return openFailed(`cannot start the migration transaction: ${String(cause)}`, cause);
  }
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('easel-spine'), hashtext($1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.migrations (version integer PRIMARY KEY, id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = (
      await client.query({ text: `SELECT version, id FROM ${s}.migrations ORDER BY version`, rowMode: 'array' })
    ).rows as unknown[][];
    if (done.length > migrations.length) {
      throw new Refused(
        openFailed(
          `the spine schema ${schema} has version ${done.length}, newer than this build (${migrations.length}); upgrade Easel`,
        ),
      );
    }
    for (let i = 0; i < done.length; i++) {
      const [version, id] = done[i] as [unknown, unknown];
      if (version !== i + 1 || id !== migrations[i]?.id) {
        throw new Refused(
          openFailed(
            `the spine schema's migration ${i + 1} is ${JSON.stringify(id)}, expected ${JSON.stringify(migrations[i]?.id)}`,
          ),
        );
      }
    }
    const applied: string[] = [];
    for (let i = done.length; i < migrations.length; i++) {
      const migration = migrations[i] as PgMigration;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.migrations (version, id) VALUES ($1, $2)`, [i + 1, migration.id]);
      applied.push(migration.id);
    }
    await client.query(
      `INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(migrations.length)],
    );
    await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO NOTHING`, [
      newEpoch(),
    ]);
    const epoch = (await client.query({ text: `SELECT value FROM ${s}.meta WHERE key = 'epoch'`, rowMode: 'array' }))
      .rows[0]?.[0];
    if (typeof epoch !== 'string' || !/^[a-z0-9]{8,16}$/.test(epoch)) {
      throw new Refused(openFailed(`the spine schema's epoch is corrupt: ${JSON.stringify(epoch)}`));
    }
    await client.query('COMMIT');
    return { ok: true, value: { epoch, schemaVersion: migrations.length, applied } };
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => {});
    if (cause instanceof Refused) return cause.result;
    return openFailed(`schema migration failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
}
