import { type ChildProcess, fork } from 'node:child_process';

/** A reply of a bench child process to the request with the same `id`. */
export type IpcReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Every child still running: killed if the bench exits early. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A bench child process (`node --import tsx <script>`, forked in `cwd`) driven by requests over
 * IPC: `call` sends `{id, request}` and resolves with the child's `{id, ok, value}` reply (rejects
 * on `{ok: false}`, on timeout and when the child exits). `label` names it in errors.
 */
export class IpcChild<Request extends { op: string }> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly child: ChildProcess;

  constructor(
    script: string,
    cwd: string,
    private readonly label: string,
  ) {
    this.child = fork(script, [], {
      cwd,
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    live.add(this.child);
    this.child.on('message', (reply: IpcReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`${label}: ${reply.error}`));
    });
    this.child.on('exit', (code) => {
      live.delete(this.child);
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${label} process exited (${code})`));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T>(request: Request, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.label}: ${request.op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, request });
    });
  }

  /** Disconnects IPC (the child exits) and kills it if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
