import pg from 'pg';
import { SpineError } from '../../core/spine/SpineError.ts';
import { applyPgMigrations } from './pgMigrations.ts';
import { PgSpine, type PgSpineLogger } from './PgSpine.ts';
import { pgStatements, SCHEMA_NAME } from './pgSql.ts';

export interface PgSpineOptions {
  /**
   * The database, as a libpq-style URL. Several gateway nodes given the same URL and schema
   * share one log.
   * @example 'postgres://easel@db.internal:5432/easel'
   */
  readonly url: string;
  /**
   * The PostgreSQL schema holding the spine's tables (created, with its tables, when missing).
   * A lower-case identifier. Default `easel`. Tests and benchmarks use a throwaway schema each.
   */
  readonly schema?: string;
  /**
   * Connections for write turns: how many partitions this node can hold a turn on at once (each
   * open turn keeps one connection in a transaction). Turns beyond it wait for a connection.
   * Default 10.
   */
  readonly poolSize?: number;
  /**
   * Connections for everything that is not a write turn: reads, command lookups, snapshots,
   * records, compaction. Kept apart so that a turn's `work` can always read. Default 4.
   */
  readonly queryPoolSize?: number;
  /** Where failed connections are reported. Default: console. */
  readonly logger?: PgSpineLogger;
  /**
   * `application_name` of the spine's connections (shown in `pg_stat_activity`). Default
   * `easel-spine`.
   */
  readonly applicationName?: string;
  /** How long to wait for a new connection before the operation fails. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * The server ends a session that sits this long inside a transaction
   * (`idle_in_transaction_session_timeout`), so a node that hangs mid-turn cannot hold a
   * partition's lock forever. Longer than any turn's `work`. Default 60 000 ms; 0 disables.
   */
  readonly idleInTurnTimeoutMs?: number;
  /** Most event rows one INSERT statement carries; bigger turns use several. Default 8192. */
  readonly maxRowsPerStatement?: number;
}

export type PgOpenResult = { ok: true; value: PgSpine } | { ok: false; error: SpineError };

const consoleLogger: PgSpineLogger = {
  warn(details, message) {
    console.warn(message, details);
  },
  error(details, message) {
    console.error(message, details);
  },
};

/** int8 as a JS number: seqs, heads and revisions stay far below 2^53 (checked on decode). */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer`);
  return v;
}

/**
 * Opens a PostgreSQL event spine: connects, creates the schema and brings it to the newest
 * version (migrations run under an advisory lock, so nodes starting together do not race), and
 * reads the log's epoch. An unreachable server, a refused login or a schema from a newer build
 * is an `open_failed` value.
 */
export async function openPgSpine(options: PgSpineOptions): Promise<PgOpenResult> {
  const schema = options.schema ?? 'easel';
  if (!SCHEMA_NAME.test(schema)) {
    return {
      ok: false,
      error: new SpineError('open_failed', `schema must match ${SCHEMA_NAME} (got ${JSON.stringify(schema)})`),
    };
  }
  const poolSize = positive(options.poolSize, 10, 'poolSize');
  const queryPoolSize = positive(options.queryPoolSize, 4, 'queryPoolSize');
  const maxRowsPerStatement = positive(options.maxRowsPerStatement, 8192, 'maxRowsPerStatement');
  const logger = options.logger ?? consoleLogger;
  const idle = options.idleInTurnTimeoutMs ?? 60_000;
  const config = {
    connectionString: options.url,
    application_name: options.applicationName ?? 'easel-spine',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(idle > 0 ? { idle_in_transaction_session_timeout: idle } : {}),
    types,
  };
  const turnPool = new pg.Pool({ ...config, max: poolSize });
  const queryPool = new pg.Pool({ ...config, max: queryPoolSize });
  for (const pool of [turnPool, queryPool]) {
    // An idle connection that fails is dropped by the pool; without a listener it would crash the process.
    pool.on('error', (err) => logger.warn({ err }, 'an idle PostgreSQL connection of the spine failed'));
  }
  const fail = async (message: string, cause: unknown): Promise<PgOpenResult> => {
    await Promise.all([turnPool.end(), queryPool.end()]).catch(() => {});
    const text = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: new SpineError('open_failed', `${message}: ${text}`, { schema }, cause) };
  };
  let client: pg.PoolClient;
  try {
    client = await queryPool.connect();
  } catch (cause) {
    return fail(`cannot connect to PostgreSQL at ${redactUrl(options.url)}`, cause);
  }
  let migrated: Awaited<ReturnType<typeof applyPgMigrations>>;
  try {
    migrated = await applyPgMigrations(client, schema);
  } finally {
    client.release();
  }
  if (!migrated.ok) {
    await Promise.all([turnPool.end(), queryPool.end()]).catch(() => {});
    return migrated;
  }
  return {
    ok: true,
    value: new PgSpine({
      epoch: migrated.value.epoch,
      schema,
      turnPool,
      queryPool,
      sql: pgStatements(schema),
      logger,
      maxRowsPerStatement,
    }),
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
