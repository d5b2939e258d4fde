import { type ChildProcess, fork } from 'node:child_process';
import { readCpuSeconds } from './procStats.ts';

/** What a windowed client process sends its parent (over the fork IPC channel). */
export type WindowedClientMessage<Run> =
  | { type: 'window'; edge: 'start' | 'end' }
  | { type: 'result'; value: Run }
  | { type: 'error'; message: string };

/** How to run one client process: `script` is forked under tsx and sent `{spec}`. */
export interface WindowedClientOptions<Spec> {
  /** Absolute path of the client script (a `.ts` file run with `--import tsx`). */
  readonly script: string;
  readonly spec: Spec;
  /** The server process whose CPU share is read at the client's window edges. */
  readonly serverPid: number;
  readonly cwd: string;
  /** The run fails (and the child is killed) after this long without a result. */
  readonly timeoutMs: number;
  /** Names the client in errors, e.g. `agents client`. */
  readonly label: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Forks a benchmark client process, sends it its spec and resolves with its result plus the
 * server's CPU share (cores) between the client's `window` start and end messages. The child is
 * killed on result, error, timeout and when this process exits.
 */
export function runWindowedClient<Spec, Run extends object>(
  options: WindowedClientOptions<Spec>,
): Promise<Run & { serverCpu: number }> {
  const { label, serverPid, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    const child = fork(options.script, [], {
      cwd: options.cwd,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    live.add(child);
    let cpu0 = Number.NaN;
    let t0 = 0;
    let serverCpu = Number.NaN;
    let settled = false;
    const finish = (error: Error | null, value?: Run) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      live.delete(child);
      if (error) reject(error);
      else resolve({ ...value!, serverCpu });
    };
    const timer = setTimeout(() => finish(new Error(`${label} timed out after ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (message: WindowedClientMessage<Run>) => {
      if (message.type === 'window' && message.edge === 'start') {
        cpu0 = readCpuSeconds(serverPid);
        t0 = performance.now();
      } else if (message.type === 'window') {
        serverCpu = (readCpuSeconds(serverPid) - cpu0) / ((performance.now() - t0) / 1000);
      } else if (message.type === 'result') finish(null, message.value);
      else finish(new Error(`${label}: ${message.message}`));
    });
    child.on('exit', (code) => finish(new Error(`${label} exited (${code}) without a result`)));
    child.send({ spec: options.spec });
  });
}
