/** The PostgreSQL event spine (scale-out mode): several gateway nodes share one database. */
export { type PgOpenResult, type PgSpineOptions, openPgSpine } from './openPgSpine.ts';
export { PgSpine, type PgSpineLogger, type PgSpineStats } from './PgSpine.ts';
export { applyPgMigrations, PG_MIGRATIONS, type PgMigration, type PgMigrationReport } from './pgMigrations.ts';
