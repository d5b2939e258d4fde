/**
 * Issue 2 probe: A/B of the gateway's CPU per command over HTTP between checkouts. Runs
 * `commandPathProbe.ts --full --http` (a gateway in process, the bench's 64 closed-loop writers in
 * their own process, CPU of every gateway thread per `token.set`) in each checkout in turn, the
 * order rotated every pair, and prints each checkout's median and its ratio to the first one's
 * (per pair, then median and min–max). Every run records the 1-minute load average at its start.
 *
 * A checkout is `<label>=<dir>`, e.g. a copy of the tree with one change reverted (each needs a
 * `node_modules` link to the workspace's). Separated by `;`.
 * `pnpm exec tsx bench/src/cpu/abCommandPath.ts --variants 'base=/tmp/wt-base;new=/work/main' [--pairs 5] [--rounds 3]`
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { argOption } from '../lib/argOption.ts';
import { interleavedRounds } from '../lib/interleavedRounds.ts';

const pairs = Math.min(20, Math.max(1, Number(argOption('pairs', '5'))));
const rounds = Math.min(10, Math.max(1, Number(argOption('rounds', '3'))));
const variants = new Map(
  argOption('variants', '')
    .split(';')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq), part.slice(eq + 1)] as const;
    }),
);
if (variants.size === 0) throw new Error("--variants 'label=dir;label=dir' is required");

interface Sample {
  kind: string;
  round: number;
  load: number;
  /** CPU µs per command of each measured window. */
  cpu: number[];
}

const LINE = /^http round \d+: \d+ commands\/s; CPU per command ([\d.]+) µs/;

/** Runs the probe in `dir`; resolves with the CPU per command of each of its windows. */
function probe(dir: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx/esm', 'bench/src/cpu/commandPathProbe.ts', '--full', '--http'];
    const child = spawn(process.execPath, [...args, '--rounds', String(rounds), '--commands', '2000'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const cpu = out.split('\n').flatMap((line) => {
        const m = LINE.exec(line);
        return m ? [Number(m[1])] : [];
      });
      if (cpu.length === 0) reject(new Error(`the probe in ${dir} exited ${code} without a measurement`));
      else resolve(cpu);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

const kinds = [...variants.keys()];
console.log(`command path A/B over HTTP: ${kinds.join(', ')}; ${pairs} pairs of ${rounds} windows`);
const samples = await interleavedRounds(
  kinds,
  pairs,
  async (kind, round): Promise<Sample> => {
    const load = loadavg()[0] as number;
    return { kind, round, load, cpu: await probe(variants.get(kind) as string) };
  },
  (s) => `load ${s.load.toFixed(2)}: CPU per command ${s.cpu.map((c) => c.toFixed(1)).join(' / ')} µs`,
);
console.log('\nmedians; ratio = ÷ the first variant of the same pair (then median, min–max)');
const first = kinds[0] as string;
for (const kind of kinds) {
  const mine = samples.filter((s) => s.kind === kind);
  const ratios = mine.flatMap((s) => {
    const base = samples.find((r) => r.kind === first && r.round === s.round);
    return base === undefined ? [] : [median(s.cpu) / median(base.cpu)];
  });
  const all = mine.flatMap((s) => s.cpu);
  console.log(
    `${kind.padEnd(12)} CPU per command ${median(all).toFixed(1)} µs (${Math.min(...all).toFixed(1)}–${Math.max(...all).toFixed(1)}), ` +
      `÷ ${first} ×${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}), ` +
      `loads ${mine.map((s) => s.load.toFixed(1)).join('/')}`,
  );
}
process.exit(0);
