import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SpineHarness } from '../../core/spine/spineContract.ts';
import { openPgSpine, type PgSpineOptions } from './openPgSpine.ts';
import type { PgSpine } from './PgSpine.ts';
import { quoteIdent } from './pgSql.ts';

/** The database the PostgreSQL tests use: `EASEL_TEST_POSTGRES_URL`, else the local trust-auth server. */
export const TEST_POSTGRES_URL = process.env.EASEL_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Why a test could not reach PostgreSQL: these tests fail rather than skip. */
function unreachable(cause: unknown): Error {
  const text = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${text}). The PostgreSQL spine tests need it: ` +
      'start it (`.ci/run` does: pg_ctlcluster <version> main start) or point EASEL_TEST_POSTGRES_URL at one.',
    { cause },
  );
}

/** A plain connection for test set-up and inspection; fails with a clear message when the server is down. */
export async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    throw unreachable(cause);
  }
  return client;
}

/** A schema name no other test uses. */
export function freshSchemaName(): string {
  return `easel_t_${randomBytes(6).toString('hex')}`;
}

const quietLogger = { warn() {}, error() {} };

/** Opens a spine on the test database or fails the test with the open error. */
export async function mustOpenPg(options: Partial<PgSpineOptions> & { schema: string }): Promise<PgSpine> {
  const opened = await openPgSpine({ url: TEST_POSTGRES_URL, logger: quietLogger, ...options });
  if (!opened.ok) {
    if (opened.error.message.startsWith('cannot connect')) throw unreachable(opened.error);
    throw opened.error;
  }
  return opened.value;
}

/** Drops the test schema and everything in it. */
export async function dropSchema(admin: pg.Client, schema: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

/** Ends every other session holding a lock on a relation of `schema`. */
async function endSessionsLocking(admin: pg.Client, schema: string): Promise<void> {
  await admin.query(
    `SELECT pg_terminate_backend(l.pid) FROM pg_locks l
     JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND l.pid <> pg_backend_pid()`,
    [schema],
  );
}

/** Every table a write can reach; `partitions` only for UPDATE (opening a turn inserts into it). */
const REFUSING = ['events', 'commands', 'snapshots', 'records', 'floors'] as const;

/**
 * Makes the engine refuse writes to `schema` for real: statement triggers that raise, until the
 * returned function drops them.
 */
export async function refuseWrites(admin: pg.Client, schema: string): Promise<() => Promise<void>> {
  const s = quoteIdent(schema);
  await admin.query(
    `CREATE FUNCTION ${s}.easel_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'easel test: writes refused'; END $$`,
  );
  for (const table of REFUSING) {
    await admin.query(
      `CREATE TRIGGER easel_test_refuse BEFORE INSERT OR UPDATE OR DELETE ON ${s}.${table}
       FOR EACH STATEMENT EXECUTE FUNCTION ${s}.easel_test_refuse()`,
    );
  }
  await admin.query(
    `CREATE TRIGGER easel_test_refuse BEFORE UPDATE ON ${s}.partitions
     FOR EACH STATEMENT EXECUTE FUNCTION ${s}.easel_test_refuse()`,
  );
  return async () => {
    await admin.query(`DROP FUNCTION ${s}.easel_test_refuse() CASCADE`);
  };
}

/** A fresh schema with a connection to inspect it; `open` opens spines ("nodes") on it. */
export interface PgTestSchema {
  readonly schema: string;
  readonly admin: pg.Client;
  /** Opens another spine on the schema; every one is closed by `cleanup`. */
  open(options?: Partial<PgSpineOptions>): Promise<PgSpine>;
  /** Closes every spine opened, drops the schema, ends the admin connection. */
  cleanup(): Promise<void>;
}

export async function pgTestSchema(): Promise<PgTestSchema> {
  const admin = await adminClient();
  const schema = freshSchemaName();
  const opened: PgSpine[] = [];
  return {
    schema,
    admin,
    async open(options = {}) {
      const spine = await mustOpenPg({ ...options, schema });
      opened.push(spine);
      return spine;
    },
    async cleanup() {
      try {
        // A failed test may leave a turn held open (close would wait for it forever, and DROP
        // SCHEMA for its locks): after a bounded wait, end the sessions holding the schema's locks.
        let timer: NodeJS.Timeout | undefined;
        const closed = await Promise.race([
          Promise.all(opened.map((spine) => spine.close())).then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), 3000);
          }),
        ]);
        clearTimeout(timer);
        if (!closed) await endSessionsLocking(admin, schema);
        await dropSchema(admin, schema);
      } finally {
        await admin.end().catch(() => {});
      }
    },
  };
}

/** A contract-suite harness on a fresh schema; `breakWrites` installs refusing triggers. */
export async function makePgHarness(options: Partial<PgSpineOptions> = {}): Promise<SpineHarness> {
  const db = await pgTestSchema();
  let first: PgSpine;
  try {
    first = await db.open(options);
  } catch (error) {
    await db.cleanup();
    throw error;
  }
  return {
    spine: first,
    reopen: () => db.open(options),
    cleanup: () => db.cleanup(),
    breakWrites: () => refuseWrites(db.admin, db.schema),
    commits: () => first.stats.commits,
  };
}
