import pg from 'pg';
import { BENCH_SCHEMA_PREFIX, hostTag, processAlive, staleBenchSchemas } from './benchSchemaName.ts';

/** `{ok: true}` or why not. */
export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; error: string };

/** A URL with its password masked, for logs and results. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs `fn` on a fresh connection to `url` (5 s connect timeout, 30 s statement timeout) and closes it. */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<Outcome<T>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, statement_timeout: 30_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    return { ok: false, error: `PostgreSQL is not reachable at ${redactUrl(url)}: ${String(error)}` };
  }
  try {
    return { ok: true, value: await fn(client) };
  } catch (error) {
    return { ok: false, error: `PostgreSQL at ${redactUrl(url)}: ${String(error)}` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Connects and runs `SELECT 1`. */
export async function probePostgres(url: string): Promise<Outcome<string>> {
  return withClient(url, async (client) => {
    const res = await client.query<{ version: string }>('SELECT version() AS version');
    return res.rows[0]?.version ?? 'unknown';
  });
}

/** `DROP SCHEMA … CASCADE` of one bench schema (refuses any name that is not a bench schema). */
export async function dropBenchSchema(url: string, schema: string): Promise<Outcome> {
  if (!schema.startsWith(BENCH_SCHEMA_PREFIX)) return { ok: false, error: `not a bench schema: ${schema}` };
  return withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    return undefined;
  });
}

/** Drops the bench schemas a killed run on this machine left behind; returns their names. */
export async function sweepStaleBenchSchemas(url: string): Promise<Outcome<string[]>> {
  return withClient(url, async (client) => {
    const res = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [BENCH_SCHEMA_PREFIX],
    );
    const stale = staleBenchSchemas(
      res.rows.map((r) => r.name),
      hostTag(),
      processAlive,
    );
    for (const schema of stale) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    return stale;
  });
}
