import { SERVER_KINDS, type ServerKind } from '../servers/targets.ts';

/** Sub-benchmarks, in the order a full run executes them. */
export const BENCH_NAMES = [
  'fanout',
  'latency',
  'cpu',
  'memory',
  'appends',
  'scaleout',
  'presence',
  'plugins',
  'agents',
  'storm',
  'browser',
] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

/** `pnpm bench [name...] [--quick] [--rounds n] [--servers a,b] [--profile-easel]`. */
export interface BenchArgs {
  names: BenchName[];
  quick: boolean;
  rounds?: number;
  servers: ServerKind[];
  /** Run the Easel gateway under `node --cpu-prof` and summarize where its time goes. */
  profileEasel: boolean;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [${BENCH_NAMES.join('|')} ...] [--quick] [--rounds <n>] [--servers ${SERVER_KINDS.join(',')}] [--profile-easel]

  (no names)        run every sub-benchmark
  --quick           ~1–2 minute smoke run (1 round, short windows, 5k idle connections)
  --rounds <n>      interleaved rounds (default 3, quick 1)
  --servers <list>  servers to measure (default all: ${SERVER_KINDS.join(',')})
  --profile-easel   CPU-profile the gateway in each measurement window; profiles and a summary go to bench/results/profiles/
Results: bench/results/<timestamp>.json, latest.json, latest.md, latest.svg`;

/** Parses argv (after the script); `{ok: false}` with a message on bad input. */
export function parseArgs(argv: readonly string[]): { ok: true; value: BenchArgs } | { ok: false; error: string } {
  const args: BenchArgs = { names: [], quick: false, servers: [...SERVER_KINDS], profileEasel: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--profile-easel') args.profileEasel = true;
    else if (arg === '--rounds') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 20) return { ok: false, error: '--rounds takes an integer 1–20' };
      args.rounds = n;
    } else if (arg === '--servers') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = list.filter((s) => !(SERVER_KINDS as readonly string[]).includes(s));
      if (list.length === 0 || bad.length > 0)
        return { ok: false, error: `--servers takes a list of ${SERVER_KINDS.join(', ')}` };
      args.servers = SERVER_KINDS.filter((k) => list.includes(k));
    } else if ((BENCH_NAMES as readonly string[]).includes(arg)) {
      if (!args.names.includes(arg as BenchName)) args.names.push(arg as BenchName);
    } else return { ok: false, error: `unknown argument: ${arg}` };
  }
  if (args.names.length === 0) args.names = [...BENCH_NAMES];
  args.names = BENCH_NAMES.filter((n) => args.names.includes(n));
  return { ok: true, value: args };
}
