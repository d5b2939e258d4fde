import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const LISTENING_RE = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** Every server this process started and that is still running: killed if the bench exits early. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/** How to start one server under test as its own process. */
export interface ServerLaunch {
  /** Label used in logs. */
  label: string;
  /** Node arguments before the script (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** Script path (run with `node --import tsx`). */
  script: string;
  /** Arguments after the script. */
  args: readonly string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** Working directory (the repository root, so `tsx` resolves). */
  cwd: string;
  /** Give up when no `listening on` line arrives within this many ms (default 60 s). */
  startTimeoutMs?: number;
}

/** A started server: its pid (the node process itself, so /proc figures are the server's) and URL. */
export interface ServerProcess {
  readonly label: string;
  readonly pid: number;
  readonly baseUrl: string;
  readonly port: number;
  /** Last lines the server wrote (for error reports). */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `launch` and resolves once it prints `listening on http://127.0.0.1:<port>`. */
export async function startServer(launch: ServerLaunch): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...(launch.nodeArgs ?? []), launch.script, ...launch.args],
    {
      cwd: launch.cwd,
      env: { ...process.env, ...launch.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const lines: string[] = [];
  const remember = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
    }
  };
  child.stderr!.on('data', remember);
  const exited = once(child, 'exit');
  live.add(child);
  void exited.then(() => live.delete(child));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`${launch.label}: no "listening on" line within ${launch.startTimeoutMs ?? 60_000} ms`));
    }, launch.startTimeoutMs ?? 60_000);
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      remember(chunk);
      buffered += chunk.toString('utf8');
      const match = LISTENING_RE.exec(buffered);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout!.off('data', onData);
        child.stdout!.on('data', remember);
        resolve(Number(match[1]));
      } else if (buffered.length > 100_000) buffered = buffered.slice(-1000);
    };
    const onExit = (code: number | null): void => {
      fail(new Error(`${launch.label}: exited with ${code} before listening\n${lines.join('\n')}`));
    };
    function fail(error: Error): void {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(error);
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    label: launch.label,
    pid: child.pid!,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    recentOutput: () => lines.join('\n'),
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Children the server may have started (plugin hosts) share its process group.
      killGroup(child, 'SIGKILL');
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
