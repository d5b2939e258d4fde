import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropBenchSchema, probePostgres, redactUrl, sweepStaleBenchSchemas } from './benchDatabase.ts';
import { benchSchemaName } from './benchSchemaName.ts';
import { DEFAULT_ENGINES, scaleoutEngineUrls } from './scaleoutBench.ts';

/** Real PostgreSQL (the machine's, as the gateway's PostgreSQL tests use): these tests fail rather than skip. */
const URL = scaleoutEngineUrls().postgres;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
});

async function exists(schema: string): Promise<boolean> {
  const res = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  return res.rowCount === 1;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('bench schemas on PostgreSQL (throwaway per cluster, dropped after, swept after a kill)', () => {
  it('probes a reachable server and reports an unreachable one', async () => {
    expect((await probePostgres(URL)).ok).toBe(true);
    const down = await probePostgres('postgres://postgres@127.0.0.1:1/test');
    expect(down.ok).toBe(false);
    expect(!down.ok && down.error).toMatch(/not reachable/);
  });

  it('drops a bench schema and refuses any other name', async () => {
    const schema = benchSchemaName();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".t (x int)`);
    expect((await dropBenchSchema(URL, schema)).ok).toBe(true);
    expect(await exists(schema)).toBe(false);
    const refused = await dropBenchSchema(URL, 'public');
    expect(refused.ok).toBe(false);
    expect(await exists('public')).toBe(true);
  });

  it("sweeps schemas of dead bench processes and keeps a live process's", async () => {
    const dead = benchSchemaName(deadPid());
    const live = benchSchemaName(process.pid);
    await admin.query(`CREATE SCHEMA "${dead}"`);
    await admin.query(`CREATE SCHEMA "${live}"`);
    try {
      const swept = await sweepStaleBenchSchemas(URL);
      expect(swept.ok && swept.value).toContain(dead);
      expect(swept.ok && swept.value).not.toContain(live);
      expect(await exists(dead)).toBe(false);
      expect(await exists(live)).toBe(true);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${dead}" CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS "${live}" CASCADE`);
    }
  });

  it('masks passwords and reads the engine URLs from the environment', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(scaleoutEngineUrls({})).toEqual(DEFAULT_ENGINES);
    expect(scaleoutEngineUrls({ EASEL_BENCH_REDIS_URL: 'redis://r:1' }).redis).toBe('redis://r:1');
    expect(scaleoutEngineUrls({ EASEL_TEST_POSTGRES_URL: 'postgres://t/x' }).postgres).toBe('postgres://t/x');
  });
});
