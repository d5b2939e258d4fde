import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Durability, openSqliteSpine } from '@easel/gateway/spine';
import Database from 'libsql';
import { percentile, type Spread, spread } from '../lib/stats.ts';
import {
  DEFAULT_BENCH_POSTGRES_URL,
  PG_APPEND_VARIANTS,
  type PgAppendVariant,
  type PgServerInfo,
  pgServerInfo,
  runPgVariant,
} from './pgAppends.ts';

/** Options of {@link runAppendsBench}; every default keeps one run around 30 s. */
export interface AppendsBenchOptions {
  /** Measured rounds; each runs every variant once, in rotated order (A B C…, B C… A, …). Default 3. */
  readonly rounds?: number;
  /** Wall time of one variant in one round, ms. Default 1000. */
  readonly variantMs?: number;
  /** Wall time of each variant in the unrecorded warm-up round, ms. Default 300. */
  readonly warmupMs?: number;
  /** Concurrent appenders for the group-commit variants (each awaits its ack, then appends again). Default 256. */
  readonly inFlight?: number;
  /** Envelope length in bytes. Default 200. */
  readonly envelopeBytes?: number;
  /** Partitions the appends rotate over (same for every variant). Default 4. */
  readonly partitions?: number;
  /** Durability levels to measure. Default both: `['full', 'normal']`. */
  readonly durabilities?: readonly Durability[];
  /** Where the temp files go (one fresh file per variant run, deleted after). Default `os.tmpdir()`. */
  readonly dir?: string;
  /** The spine's `maxBatchRows`. Default: the spine's own default. */
  readonly maxBatchRows?: number;
  /** Also measure group commit where every append stores a command outcome (the real command path). Default true. */
  readonly withCommands?: boolean;
  /**
   * Engines to measure, interleaved in one run. Default both. PostgreSQL runs on a throwaway
   * schema per variant run (dropped after); an unreachable server fails the bench at start.
   */
  readonly engines?: ReadonlyArray<'sqlite' | 'postgres'>;
  /** The PostgreSQL database. Default `EASEL_BENCH_POSTGRES_URL`, `EASEL_TEST_POSTGRES_URL`, else the local server. */
  readonly postgresUrl?: string;
}

/** The measured variants. */
export const APPEND_VARIANTS = {
  /** (a) Baseline: one autocommit INSERT per event. */
  perEventTx: 'perEventTx',
  /** (b) The engine's own batching: BEGIN, 100 prepared single-row INSERTs, COMMIT. */
  engineBatch100: 'engineBatch100',
  /** (c) SqliteSpine group commit, `inFlight` concurrent appenders. */
  groupCommit: 'groupCommit',
  /** (c') As (c) on the gateway's command path: `lookupCommand`, then an append storing the outcome. */
  groupCommitWithCommands: 'groupCommitWithCommands',
  /** (c) with `writer: 'pipelined'` (durability full only: commits without fsync, WAL synced off the loop). */
  groupCommitPipelined: 'groupCommitPipelined',
  /** (c') with `writer: 'pipelined'` (durability full only). */
  groupCommitWithCommandsPipelined: 'groupCommitWithCommandsPipelined',
  ...PG_APPEND_VARIANTS,
} as const;
export type AppendVariant = keyof typeof APPEND_VARIANTS;
type SqliteVariant = Exclude<AppendVariant, PgAppendVariant>;

/** The variants that measure the engine alone (no spine, no ack latency). */
const ENGINE_BASELINES: ReadonlySet<AppendVariant> = new Set([
  'perEventTx',
  'engineBatch100',
  'pgPerEventTx',
  'pgEngineBatch100',
]);

function isPgVariant(variant: AppendVariant): variant is PgAppendVariant {
  return variant.startsWith('pg');
}

export interface VariantResult {
  readonly variant: AppendVariant;
  readonly engine: 'sqlite' | 'postgres';
  /** PostgreSQL: `full` (the server's `synchronous_commit` and `fsync`, see `environment.postgres`). */
  readonly durability: Durability;
  /** Events made durable per second, one sample per round. */
  readonly appendsPerSec: Spread | null;
  /** Process CPU time per event, µs, one sample per round (less sensitive to other load than the rate). */
  readonly cpuUsPerAppend: Spread | null;
  /** Ack latency (append → durable promise settled), ms, over every append of every round; group commit only. */
  readonly ackMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number } | null;
  /** p99 ack latency of each round, ms; group commit only. */
  readonly ackP99PerRound: Spread | null;
  /** Mean events per transaction; group commit only. */
  readonly eventsPerCommit: number | null;
}

export interface AppendsResult {
  readonly config: Required<Omit<AppendsBenchOptions, 'maxBatchRows' | 'dir' | 'postgresUrl'>> & {
    maxBatchRows: number | null;
  };
  readonly environment: {
    readonly node: string;
    readonly cpus: number;
    readonly sqlite: string;
    readonly cpuModel: string;
    /** The PostgreSQL server measured and the settings that decide its durability; null when not measured. */
    readonly postgres: PgServerInfo | null;
  };
  readonly variants: readonly VariantResult[];
  /** Median ratios per durability: group commit over (a) and over (b). */
  readonly ratios: ReadonlyArray<{
    readonly engine: 'sqlite' | 'postgres';
    readonly durability: Durability;
    readonly groupCommitOverPerEventTx: number | null;
    readonly groupCommitOverEngineBatch100: number | null;
    readonly withCommandsOverPerEventTx: number | null;
    /** PostgreSQL: group commit over the spine with one turn (transaction) per append. */
    readonly groupCommitOverTurnPerAppend?: number | null;
  }>;
  /** BENCHMARKS.md targets against the medians of this run. */
  readonly checks: ReadonlyArray<{
    readonly name: string;
    readonly value: number | null;
    readonly target: string;
    readonly met: boolean;
  }>;
}

interface Sample {
  readonly rate: number;
  /** Process CPU (user + system) per append, µs: steadier than wall time on a shared machine. */
  readonly cpuUs: number;
  readonly latencies: Float64Array | null;
  readonly eventsPerCommit: number | null;
}

const LATENCY_CAP = 400_000;

function envelopeOf(bytes: number): string {
  const head = '{"v":1,"type":"token_patch","payload":{"pad":"';
  const tail = '"}}';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

function tempFile(dir: string): { path: string; remove: () => void } {
  const folder = mkdtempSync(join(dir, 'easel-appends-'));
  return { path: join(folder, 'spine.db'), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** A spine-schema file opened with a raw connection, for the engine baselines. */
function rawConnection(path: string, durability: Durability): Database.Database {
  const created = openSqliteSpine({ path, durability });
  if (!created.ok) throw created.error;
  void created.value.close();
  const db = new Database(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  return db;
}

function runEngine(path: string, durability: Durability, ms: number, batch: number, opts: Settings): Sample {
  const db = rawConnection(path, durability);
  const insert = db.prepare('INSERT INTO events (partition, seq, canvas_id, type, envelope) VALUES (?, ?, ?, ?, ?)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const seqs = new Array<number>(opts.partitions).fill(0);
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end && n < 50_000_000) {
    if (batch > 1) begin.run();
    for (let i = 0; i < batch; i++, n++) {
      const p = n % opts.partitions;
      insert.run([`bench/p${p}`, ++(seqs[p] as number), `c${n % 16}`, 'token_patch', opts.envelope]);
    }
    if (batch > 1) commit.run();
  }
  const rate = n / ((performance.now() - start) / 1000);
  const cpuUs = cpuMicros(cpu0) / n;
  db.close();
  return { rate, cpuUs, latencies: null, eventsPerCommit: null };
}

async function runGroupCommit(
  path: string,
  durability: Durability,
  ms: number,
  commands: boolean,
  opts: Settings,
  pipelined = false,
) {
  const opened = openSqliteSpine({
    path,
    durability,
    ...(pipelined ? { writer: 'pipelined' as const } : {}),
    ...(opts.maxBatchRows === null ? {} : { maxBatchRows: opts.maxBatchRows }),
  });
  if (!opened.ok) throw opened.error;
  const spine = opened.value;
  const latencies = new Float64Array(LATENCY_CAP);
  let recorded = 0;
  let done = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  const worker = async (w: number): Promise<void> => {
    const partition = `bench/p${w % opts.partitions}`;
    const events = [{ type: 'token_patch', canvasId: `c${w % 16}`, envelope: opts.envelope }];
    while (performance.now() < end) {
      const t0 = performance.now();
      const id = next++;
      if (commands) {
        // The gateway's command path: idempotency lookup, then the append storing the outcome.
        const commandId = `cmd-${String(id).padStart(12, '0')}`; // time-ordered, like ULIDs
        if ((await spine.lookupCommand(partition, commandId)) !== null) throw new Error('unexpected duplicate');
        const outcome = (seq: number) => ({ cursor: `e-${seq}`, revision: id });
        await spine.append({ partition, events, commandId, outcome }).durable;
      } else {
        await spine.append({ partition, events }).durable;
      }
      if (recorded < LATENCY_CAP) latencies[recorded++] = performance.now() - t0;
      done++;
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, (_, w) => worker(w)));
  const rate = done / ((performance.now() - start) / 1000);
  const cpuUs = cpuMicros(cpu0) / done;
  const { commits, rows } = spine.stats;
  await spine.close();
  return {
    rate,
    cpuUs,
    latencies: latencies.subarray(0, recorded),
    eventsPerCommit: commits > 0 ? rows / commits : null,
  };
}

interface Settings {
  readonly envelope: string;
  readonly partitions: number;
  readonly inFlight: number;
  readonly maxBatchRows: number | null;
}

type Job = { readonly variant: AppendVariant; readonly durability: Durability };

async function runJob(job: Job, ms: number, dir: string, settings: Settings, url: string): Promise<Sample> {
  if (isPgVariant(job.variant)) return runPgVariant(job.variant, ms, { ...settings, url });
  const file = tempFile(dir);
  try {
    switch (job.variant) {
      case 'perEventTx':
        return runEngine(file.path, job.durability, ms, 1, settings);
      case 'engineBatch100':
        return runEngine(file.path, job.durability, ms, 100, settings);
      case 'groupCommit':
        return await runGroupCommit(file.path, job.durability, ms, false, settings);
      case 'groupCommitWithCommands':
        return await runGroupCommit(file.path, job.durability, ms, true, settings);
      case 'groupCommitPipelined':
        return await runGroupCommit(file.path, job.durability, ms, false, settings, true);
      case 'groupCommitWithCommandsPipelined':
        return await runGroupCommit(file.path, job.durability, ms, true, settings, true);
    }
  } finally {
    file.remove();
  }
}

function latencySummary(samples: readonly Sample[]): VariantResult['ackMs'] {
  const all: number[] = [];
  for (const s of samples) if (s.latencies) for (const v of s.latencies) all.push(v);
  if (all.length === 0) return null;
  return { p50: percentile(all, 50), p99: percentile(all, 99), max: percentile(all, 100), samples: all.length };
}

function ratio(a: Spread | null | undefined, b: Spread | null | undefined): number | null {
  return a && b && b.median > 0 ? a.median / b.median : null;
}

/**
 * Durable append throughput of the SQLite and PostgreSQL spines against each engine's own
 * baselines, measured in one process run, interleaved (SQLite and PostgreSQL variants alternate),
 * after a warm-up, on fresh temp files and throwaway PostgreSQL schemas (dropped after each
 * variant run). Prints nothing.
 */
export async function runAppendsBench(options: AppendsBenchOptions = {}): Promise<AppendsResult> {
  const config = {
    rounds: options.rounds ?? 3,
    variantMs: options.variantMs ?? 1000,
    warmupMs: options.warmupMs ?? 300,
    inFlight: options.inFlight ?? 256,
    envelopeBytes: options.envelopeBytes ?? 200,
    partitions: options.partitions ?? 4,
    durabilities: options.durabilities ?? (['full', 'normal'] as const),
    withCommands: options.withCommands ?? true,
    maxBatchRows: options.maxBatchRows ?? null,
    engines: options.engines ?? (['sqlite', 'postgres'] as const),
  };
  const dir = options.dir ?? tmpdir();
  const url = options.postgresUrl ?? DEFAULT_BENCH_POSTGRES_URL;
  const settings: Settings = { ...config, envelope: envelopeOf(config.envelopeBytes) };
  const wanted = (v: AppendVariant) =>
    config.withCommands ||
    (v !== 'groupCommitWithCommands' && v !== 'groupCommitWithCommandsPipelined' && v !== 'pgGroupCommitWithCommands');
  // With durability normal there is nothing to sync: the pipelined writer is the inline one.
  const PIPELINED: ReadonlySet<AppendVariant> = new Set(['groupCommitPipelined', 'groupCommitWithCommandsPipelined']);
  const sqliteVariants = (Object.keys(APPEND_VARIANTS) as AppendVariant[]).filter(
    (v): v is SqliteVariant => !isPgVariant(v) && wanted(v),
  );
  const pgVariants = (Object.keys(PG_APPEND_VARIANTS) as PgAppendVariant[]).filter(wanted);
  const jobs: Job[] = [
    ...(config.engines.includes('sqlite')
      ? config.durabilities.flatMap((durability) =>
          sqliteVariants
            .filter((variant) => durability === 'full' || !PIPELINED.has(variant))
            .map((variant) => ({ variant, durability })),
        )
      : []),
    ...(config.engines.includes('postgres')
      ? pgVariants.map((variant) => ({ variant, durability: 'full' as const }))
      : []),
  ];
  // Fails at once, with the reason, when PostgreSQL is wanted and down.
  const postgres = config.engines.includes('postgres') ? await pgServerInfo(url) : null;
  for (const job of jobs) await runJob(job, config.warmupMs, dir, settings, url);
  const samples = new Map<Job, Sample[]>(jobs.map((job) => [job, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[(i + round) % jobs.length] as Job;
      samples.get(job)?.push(await runJob(job, config.variantMs, dir, settings, url));
    }
  }
  const results: VariantResult[] = jobs.map((job) => {
    const list = samples.get(job) ?? [];
    const grouped = !ENGINE_BASELINES.has(job.variant);
    const perCommit = list.map((s) => s.eventsPerCommit).filter((v): v is number => v !== null);
    return {
      ...job,
      engine: isPgVariant(job.variant) ? ('postgres' as const) : ('sqlite' as const),
      appendsPerSec: spread(list.map((s) => s.rate)),
      cpuUsPerAppend: spread(list.map((s) => s.cpuUs)),
      ackMs: grouped ? latencySummary(list) : null,
      ackP99PerRound: grouped
        ? spread(list.map((s) => (s.latencies ? percentile(Array.from(s.latencies), 99) : Number.NaN)))
        : null,
      eventsPerCommit: perCommit.length > 0 ? perCommit.reduce((a, b) => a + b, 0) / perCommit.length : null,
    };
  });
  const find = (variant: AppendVariant, durability: Durability) =>
    results.find((r) => r.variant === variant && r.durability === durability);
  const sqliteRatios = (config.engines.includes('sqlite') ? config.durabilities : []).map((durability) => ({
    engine: 'sqlite' as const,
    durability,
    groupCommitOverPerEventTx: ratio(
      find('groupCommit', durability)?.appendsPerSec,
      find('perEventTx', durability)?.appendsPerSec,
    ),
    groupCommitOverEngineBatch100: ratio(
      find('groupCommit', durability)?.appendsPerSec,
      find('engineBatch100', durability)?.appendsPerSec,
    ),
    withCommandsOverPerEventTx: ratio(
      find('groupCommitWithCommands', durability)?.appendsPerSec,
      find('perEventTx', durability)?.appendsPerSec,
    ),
  }));
  const pgRate = (v: PgAppendVariant) => find(v, 'full')?.appendsPerSec;
  const pgRatios = postgres
    ? [
        {
          engine: 'postgres' as const,
          durability: 'full' as const,
          groupCommitOverPerEventTx: ratio(pgRate('pgGroupCommit'), pgRate('pgPerEventTx')),
          groupCommitOverEngineBatch100: ratio(pgRate('pgGroupCommit'), pgRate('pgEngineBatch100')),
          withCommandsOverPerEventTx: ratio(pgRate('pgGroupCommitWithCommands'), pgRate('pgPerEventTx')),
          groupCommitOverTurnPerAppend: ratio(pgRate('pgGroupCommit'), pgRate('pgTurnPerAppend')),
        },
      ]
    : [];
  const ratios = [...sqliteRatios, ...pgRatios];
  return {
    config,
    environment: { ...environment(), postgres },
    variants: results,
    ratios,
    checks: checks(find, ratios),
  };
}

function checks(
  find: (v: AppendVariant, d: Durability) => VariantResult | undefined,
  ratios: AppendsResult['ratios'],
): AppendsResult['checks'] {
  const out: Array<AppendsResult['checks'][number]> = [];
  const add = (name: string, value: number | null | undefined, target: string, met: (v: number) => boolean) => {
    const v = value ?? null;
    out.push({ name, value: v, target, met: v !== null && met(v) });
  };
  add(
    'normal: group commit appends/s',
    find('groupCommit', 'normal')?.appendsPerSec?.median,
    '>= 100000 (floor 50000)',
    (v) => v >= 100_000,
  );
  add(
    'full: group commit appends/s',
    find('groupCommit', 'full')?.appendsPerSec?.median,
    '>= 40000',
    (v) => v >= 40_000,
  );
  for (const d of ['full', 'normal'] as const) {
    add(`${d}: ack p99 ms`, find('groupCommit', d)?.ackMs?.p99, '<= 10', (v) => v <= 10);
    add(
      `${d}: group commit / per-event tx`,
      ratios.find((r) => r.engine === 'sqlite' && r.durability === d)?.groupCommitOverPerEventTx,
      '>= 5',
      (v) => v >= 5,
    );
  }
  const pg = ratios.find((r) => r.engine === 'postgres');
  add(
    'postgres: group commit appends/s',
    find('pgGroupCommit', 'full')?.appendsPerSec?.median,
    '>= 15000',
    (v) => v >= 15_000,
  );
  add('postgres: group commit / per-event tx', pg?.groupCommitOverPerEventTx, '>= 5', (v) => v >= 5);
  add('postgres: group commit / one turn per append', pg?.groupCommitOverTurnPerAppend, '>= 5', (v) => v >= 5);
  return out.filter((c) => c.value !== null);
}

function environment(): Omit<AppendsResult['environment'], 'postgres'> {
  const db = new Database(':memory:');
  const version = (db.prepare('SELECT sqlite_version()').raw().get() as unknown[])[0];
  db.close();
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    sqlite: String(version),
  };
}
