import { spawn } from 'node:child_process';

/** What a child process did. */
export interface ChildRun {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** It was still running after `timeoutMs` and was killed (SIGKILL). */
  readonly timedOut: boolean;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill (SIGKILL) after this long. */
  readonly timeoutMs: number;
  /**
   * Run it in its own process group and kill the whole group on timeout (a command such as
   * `pnpm install` starts children of its own).
   */
  readonly group?: boolean;
}

/**
 * Runs `command` to its end with piped output, without blocking the event loop (a server in the
 * test must answer it). Resolves once its output is read (at most 1 s after it exited: a
 * grandchild may still hold the pipes).
 */
export function runChild(command: string, args: readonly string[], options: RunChildOptions): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.group === true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (options.group === true && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    }, options.timeoutMs);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ code: exited?.code ?? null, signal: exited?.signal ?? null, stdout, stderr, timedOut });
    };
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      setTimeout(finish, 1000).unref();
    });
    child.once('close', (code, signal) => {
      exited ??= { code, signal };
      finish();
    });
    child.once('error', (err) => {
      stderr += String(err);
      finish();
    });
  });
}
