import { randomBytes } from 'node:crypto';
import { openPgSpine, type PgSpine } from '@easel/gateway/spine';
import pg from 'pg';

/** The database the PostgreSQL runs use: `EASEL_BENCH_POSTGRES_URL`, `EASEL_TEST_POSTGRES_URL`, else local. */
export const DEFAULT_BENCH_POSTGRES_URL =
  process.env.EASEL_BENCH_POSTGRES_URL ||
  process.env.EASEL_TEST_POSTGRES_URL ||
  'postgres://postgres@127.0.0.1:5432/test';

/** One PostgreSQL sample: as the SQLite ones. */
export interface PgSample {
  readonly rate: number;
  readonly cpuUs: number;
  readonly latencies: Float64Array | null;
  readonly eventsPerCommit: number | null;
}

export interface PgRunSettings {
  readonly url: string;
  readonly envelope: string;
  readonly partitions: number;
  readonly inFlight: number;
}

/** What the server runs with (it decides what "durable" means), for the report. */
export interface PgServerInfo {
  readonly version: string;
  readonly synchronousCommit: string;
  readonly fsync: string;
  readonly walSyncMethod: string;
}

const LATENCY_CAP = 400_000;
const quietLogger = { warn() {}, error() {} };

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    const text = cause instanceof Error ? cause.message : String(cause);
    throw new Error(
      `PostgreSQL is not reachable at ${url} (${text}); start it or set EASEL_BENCH_POSTGRES_URL (or run with engines: ['sqlite'])`,
    );
  }
  return client;
}

/** Connects once to check the server and read its durability settings. */
export async function pgServerInfo(url: string): Promise<PgServerInfo> {
  const client = await connect(url);
  try {
    const setting = async (name: string) =>
      String((await client.query('SELECT current_setting($1) AS v', [name])).rows[0]?.v);
    return {
      version: await setting('server_version'),
      synchronousCommit: await setting('synchronous_commit'),
      fsync: await setting('fsync'),
      walSyncMethod: await setting('wal_sync_method'),
    };
  } finally {
    await client.end();
  }
}

/** A throwaway schema with the spine's tables; `drop` removes it. */
async function throwawaySchema(url: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `easel_bench_${randomBytes(5).toString('hex')}`;
  const opened = await openPgSpine({ url, schema, logger: quietLogger });
  if (!opened.ok) throw opened.error;
  await opened.value.close();
  return {
    schema,
    drop: async () => {
      const client = await connect(url);
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The engine alone on one connection, on the spine's tables: `batch` 1 is one autocommit
 * single-row INSERT per event (baseline a); `batch` 100 is BEGIN, one 100-row `unnest` INSERT,
 * COMMIT (baseline b). Serial, like the SQLite baselines.
 */
async function runPgEngine(ms: number, batch: number, s: PgRunSettings): Promise<PgSample> {
  const { schema, drop } = await throwawaySchema(s.url);
  const client = await connect(s.url);
  try {
    const insert = {
      name: 'bench_insert',
      text: `INSERT INTO "${schema}".events (partition, seq, canvas_id, type, envelope)
             SELECT u.p, u.seq, u.c, 'token_patch', u.e
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(p, seq, c, e)`,
    };
    const seqs = new Array<number>(s.partitions).fill(0);
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const end = start + ms;
    while (performance.now() < end && n < 50_000_000) {
      const cols: [string[], number[], string[], string[]] = [[], [], [], []];
      for (let i = 0; i < batch; i++, n++) {
        const p = n % s.partitions;
        cols[0].push(`bench/p${p}`);
        cols[1].push(++(seqs[p] as number));
        cols[2].push(`c${n % 16}`);
        cols[3].push(s.envelope);
      }
      if (batch > 1) await client.query('BEGIN');
      await client.query({ ...insert, values: cols });
      if (batch > 1) await client.query('COMMIT');
    }
    const rate = n / ((performance.now() - start) / 1000);
    return { rate, cpuUs: cpuMicros(cpu0) / n, latencies: null, eventsPerCommit: null };
  } finally {
    await client.end();
    await drop();
  }
}

interface Job {
  readonly commandId: string | undefined;
  readonly events: ReadonlyArray<{ type: string; canvasId: string | null; envelope: string }>;
  readonly done: () => void;
  readonly failed: (error: unknown) => void;
}

/**
 * What a gateway node does with a shared spine: commands for a partition that arrive while its
 * turn is open wait, and the next turn carries all of them (one transaction). With commands,
 * the turn first looks up every command id (one round), then appends.
 */
class PartitionBatcher {
  private queue: Job[] = [];
  private running = false;

  constructor(
    private readonly spine: PgSpine,
    private readonly partition: string,
  ) {}

  submit(job: Job): void {
    this.queue.push(job);
    if (!this.running) void this.drive();
  }

  private async drive(): Promise<void> {
    this.running = true;
    // Bounded: every turn takes every queued job.
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const { spine, partition } = this;
      await spine
        .turn(partition, async () => {
          const stored = await Promise.all(
            batch.map((job) => (job.commandId === undefined ? null : spine.lookupCommand(partition, job.commandId))),
          );
          batch.forEach((job, i) => {
            if (stored[i] !== null) {
              job.failed(new Error('unexpected duplicate'));
              return;
            }
            const { durable } = spine.append({
              partition,
              events: job.events,
              ...(job.commandId === undefined
                ? {}
                : { commandId: job.commandId, outcome: (seq: number) => ({ cursor: `e-${seq}`, revision: i }) }),
            });
            durable.then(job.done, job.failed);
          });
        })
        .catch((error: unknown) => {
          for (const job of batch) job.failed(error);
        });
    }
    this.running = false;
  }
}

/**
 * The PostgreSQL spine with `inFlight` concurrent appenders (each awaits its ack, then appends
 * again). `mode` `group`: through {@link PartitionBatcher} (group commit); `turnPerAppend`: each
 * append in its own turn (one transaction per append through the spine).
 */
async function runPgSpine(ms: number, mode: 'group' | 'turnPerAppend', commands: boolean, s: PgRunSettings) {
  const schema = `easel_bench_${randomBytes(5).toString('hex')}`;
  const opened = await openPgSpine({ url: s.url, schema, logger: quietLogger });
  if (!opened.ok) throw opened.error;
  const spine: PgSpine = opened.value;
  const batchers = Array.from({ length: s.partitions }, (_, p) => new PartitionBatcher(spine, `bench/p${p}`));
  const latencies = new Float64Array(LATENCY_CAP);
  let recorded = 0;
  let done = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  const appendOne = (w: number, events: Job['events'], commandId: string | undefined): Promise<void> => {
    const partition = `bench/p${w % s.partitions}`;
    if (mode === 'turnPerAppend') {
      return spine.turn(partition, async () => {
        // Settles after the turn's commit; awaited through the turn.
        void spine.append({ partition, events }).durable.catch(() => {});
      });
    }
    return new Promise<void>((resolve, reject) => {
      batchers[w % s.partitions]?.submit({ commandId, events, done: resolve, failed: reject });
    });
  };
  const worker = async (w: number): Promise<void> => {
    const events = [{ type: 'token_patch', canvasId: `c${w % 16}`, envelope: s.envelope }];
    while (performance.now() < end) {
      const t0 = performance.now();
      const id = next++;
      await appendOne(w, events, commands ? `cmd-${String(id).padStart(12, '0')}` : undefined);
      if (recorded < LATENCY_CAP) latencies[recorded++] = performance.now() - t0;
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: s.inFlight }, (_, w) => worker(w)));
    const rate = done / ((performance.now() - start) / 1000);
    const cpuUs = cpuMicros(cpu0) / done;
    const { commits, rows } = spine.stats;
    return {
      rate,
      cpuUs,
      latencies: latencies.subarray(0, recorded),
      eventsPerCommit: commits > 0 ? rows / commits : null,
    };
  } finally {
    await spine.close();
    const client = await connect(s.url);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
  }
}

/** The PostgreSQL variants of the appends benchmark. */
export const PG_APPEND_VARIANTS = {
  /** (a) One autocommit single-row INSERT per event, one connection. */
  pgPerEventTx: 'pgPerEventTx',
  /** (b) The engine's own batching: BEGIN, one 100-row INSERT, COMMIT, one connection. */
  pgEngineBatch100: 'pgEngineBatch100',
  /** (a') The spine, one write turn (one transaction) per append, `inFlight` concurrent appenders. */
  pgTurnPerAppend: 'pgTurnPerAppend',
  /** (c) The spine's group commit: appends queued per partition share a turn. */
  pgGroupCommit: 'pgGroupCommit',
  /** (c') As (c) on the command path: the turn looks every command id up, appends store outcomes. */
  pgGroupCommitWithCommands: 'pgGroupCommitWithCommands',
} as const;
export type PgAppendVariant = keyof typeof PG_APPEND_VARIANTS;

export function runPgVariant(variant: PgAppendVariant, ms: number, s: PgRunSettings): Promise<PgSample> {
  switch (variant) {
    case 'pgPerEventTx':
      return runPgEngine(ms, 1, s);
    case 'pgEngineBatch100':
      return runPgEngine(ms, 100, s);
    case 'pgTurnPerAppend':
      return runPgSpine(ms, 'turnPerAppend', false, s);
    case 'pgGroupCommit':
      return runPgSpine(ms, 'group', false, s);
    case 'pgGroupCommitWithCommands':
      return runPgSpine(ms, 'group', true, s);
  }
}
