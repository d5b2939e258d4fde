import type { ClientProcess } from '../client/ClientProcess.ts';
import type { Mark } from '../client/protocol.ts';
import { readCpuSeconds } from './procStats.ts';
import { sleep } from './sleep.ts';

/** What happened in one measurement window, from the clients' counters and the server's /proc. */
export interface Window {
  seconds: number;
  /** Marked frames parsed by all readers per second. */
  deliveriesPerSec: number;
  /** Writes acknowledged per second. */
  acksPerSec: number;
  /** Server CPU seconds used in the window. */
  serverCpuSeconds: number;
  /** Server CPU as a share of one core (1 = 100 %). */
  serverCpuShare: number;
  /** Reader process CPU as a share of one core. */
  readerCpuShare: number;
  /** Writer process CPU as a share of one core (equal to the reader's when they share a process). */
  writerCpuShare: number;
  /** Server CPU microseconds per delivery. */
  serverCpuUsPerDelivery: number;
  errors: number;
  skipped: number;
  readersLost: number;
  firstError?: string;
}

/**
 * Marks the readers and writers and reads the server's CPU, waits `ms`, and does it again.
 * `writers` may be the same process as `readers`.
 */
export async function measureWindow(
  readers: ClientProcess,
  writers: ClientProcess,
  serverPid: number,
  ms: number,
  /** When set, SIGUSR2 goes to this pid at the start and the end of the window (profile toggle). */
  profilePid: number | null = null,
): Promise<Window> {
  if (profilePid !== null) process.kill(profilePid, 'SIGUSR2');
  const cpu0 = readCpuSeconds(serverPid);
  const [r0, w0] = await Promise.all([readers.mark(), writers === readers ? null : writers.mark()]);
  await sleep(ms);
  const cpu1 = readCpuSeconds(serverPid);
  const [r1, w1] = await Promise.all([readers.mark(), writers === readers ? null : writers.mark()]);
  if (profilePid !== null) process.kill(profilePid, 'SIGUSR2');
  return windowBetween(r0, r1, w0 ?? r0, w1 ?? r1, cpu1 - cpu0);
}

function windowBetween(r0: Mark, r1: Mark, w0: Mark, w1: Mark, serverCpuSeconds: number): Window {
  const seconds = (r1.t - r0.t) / 1000;
  const deliveries = r1.frames - r0.frames;
  return {
    seconds,
    deliveriesPerSec: deliveries / seconds,
    acksPerSec: (w1.acks - w0.acks) / seconds,
    serverCpuSeconds,
    serverCpuShare: serverCpuSeconds / seconds,
    readerCpuShare: (r1.cpuSeconds - r0.cpuSeconds) / seconds,
    writerCpuShare: (w1.cpuSeconds - w0.cpuSeconds) / ((w1.t - w0.t) / 1000),
    serverCpuUsPerDelivery: deliveries > 0 ? (serverCpuSeconds * 1e6) / deliveries : Number.NaN,
    errors: w1.errors - w0.errors,
    skipped: w1.skipped - w0.skipped,
    readersLost: r1.readersLost,
    firstError: w1.firstError,
  };
}
