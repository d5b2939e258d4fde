import { readdirSync, readFileSync } from 'node:fs';

/** Most descendants collected (a fork bomb must not make the host scan forever). */
const MAX_DESCENDANTS = 4096;

/**
 * The pids of every live descendant of `root` (children, grandchildren, …; breadth first), read from
 * `/proc/<pid>/task/<tid>/children` (every thread of a process may have forked). Empty where `/proc`
 * has no such files (not Linux, or a kernel without `CONFIG_PROC_CHILDREN`). Never throws.
 */
export function descendantPids(root: number, limit = MAX_DESCENDANTS): number[] {
  const out: number[] = [];
  const seen = new Set<number>([root]);
  const queue = [root];
  for (let at = 0; at < queue.length && out.length < limit; at++) {
    for (const child of childPids(queue[at] ?? 0)) {
      if (seen.has(child) || out.length >= limit) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function childPids(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const task of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const word of text.split(' ')) {
      const child = Number(word);
      if (Number.isInteger(child) && child > 0) out.push(child);
    }
  }
  return out;
}

/**
 * SIGKILLs `pid` and every process it started (directly or not), for a plugin process that shares
 * the gateway's process group, so a group kill is not available. The tree is read before the first
 * signal (a killed parent's children are re-parented at once); a process that already left the tree
 * (its parent exited earlier) or forks during the scan is missed. Returns how many processes were
 * signalled. Never throws.
 */
export function killProcessTree(pid: number): number {
  const descendants = descendantPids(pid);
  let signalled = 0;
  for (const target of [pid, ...descendants]) {
    try {
      process.kill(target, 'SIGKILL');
      signalled++;
    } catch {
      // already gone
    }
  }
  return signalled;
}
