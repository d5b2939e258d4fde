/** The SQLite event spine, for the gateway's composition and for benchmarks (`@easel/gateway/spine`). */
export {
  DURABILITY,
  type Durability,
  type OpenResult,
  openSqliteSpine,
  SQLITE_WRITERS,
  type SqliteSpineOptions,
  type SqliteWriter,
} from './openSqliteSpine.ts';
export { SqliteSpine, type SqliteSpineStats } from './SqliteSpine.ts';
/** The PostgreSQL event spine (scale-out): `openPgSpine({ url, schema })`. */
export {
  openPgSpine,
  PgSpine,
  type PgOpenResult,
  type PgSpineLogger,
  type PgSpineOptions,
  type PgSpineStats,
} from './pg/index.ts';
