import type { ClientProcess } from '../client/ClientProcess.ts';
import { measureWindow, type Window } from '../lib/measureWindow.ts';
import { readCpuSeconds } from '../lib/procStats.ts';

/** A measurement window over several gateway processes. */
export interface NodesWindow extends Window {
  /** CPU of each node as a share of one core, node A first (`serverCpuShare` is node A's). */
  nodeCpuShares: number[];
}

/**
 * {@link measureWindow} with node A as the server, and the CPU of the other nodes read just
 * before and just after it (the extra span is one IPC round trip on each side).
 */
export async function measureNodes(
  readers: ClientProcess,
  writers: ClientProcess,
  pids: readonly number[],
  ms: number,
): Promise<NodesWindow> {
  const [first, ...rest] = pids;
  if (first === undefined) throw new Error('measureNodes: no node');
  const before = rest.map(readCpuSeconds);
  const window = await measureWindow(readers, writers, first, ms);
  const after = rest.map(readCpuSeconds);
  return {
    ...window,
    nodeCpuShares: [window.serverCpuShare, ...after.map((cpu, i) => (cpu - before[i]!) / window.seconds)],
  };
}
