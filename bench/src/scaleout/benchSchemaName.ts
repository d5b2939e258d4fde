import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Every schema the scale-out bench creates starts with this (and nothing else does). */
export const BENCH_SCHEMA_PREFIX = 'easel_scaleout_';

const NAME_RE = /^easel_scaleout_([0-9a-f]{6})_(\d+)_[0-9a-f]{8}$/;

/** Six hex digits naming this machine, so a sweep never touches another machine's schemas. */
export function hostTag(host: string = hostname()): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 6);
}

/**
 * A throwaway PostgreSQL schema name `easel_scaleout_<host>_<pid>_<random>`: the creating process is
 * in the name, so a later run can drop what a killed run left behind (see {@link staleBenchSchemas}).
 * The gateway derives its Redis prefix from it (`easel-<schema>`), so the prefix is random too.
 */
export function benchSchemaName(pid: number = process.pid, host: string = hostTag()): string {
  return `${BENCH_SCHEMA_PREFIX}${host}_${pid}_${randomBytes(4).toString('hex')}`;
}

/** The host tag and pid of a bench schema name; null for any other name. */
export function parseBenchSchemaName(name: string): { host: string; pid: number } | null {
  const match = NAME_RE.exec(name);
  return match ? { host: match[1]!, pid: Number(match[2]) } : null;
}

/** Of `names`, the bench schemas made on `host` by a process that no longer runs. */
export function staleBenchSchemas(names: readonly string[], host: string, isAlive: (pid: number) => boolean): string[] {
  return names.filter((name) => {
    const parsed = parseBenchSchemaName(name);
    return parsed !== null && parsed.host === host && !isAlive(parsed.pid);
  });
}

/** True when a process with `pid` exists on this machine (signal 0; EPERM means it exists). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
