import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientReply, ClientRequest, ConnectResult, LatencyStats, Mark } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./clientWorker.ts', import.meta.url));

/** The parent's handle on a client process (readers + writers), with one method per IPC request. */
export class ClientProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: ClientReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`client: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`client process exited (${code})`));
      this.waiting.clear();
    });
  }

  /** Forks the client process (`node --import tsx clientWorker.ts`) in `cwd`. */
  static start(cwd: string): ClientProcess {
    const child = fork(WORKER, [], {
      cwd,
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    live.add(child);
    child.on('exit', () => live.delete(child));
    return new ClientProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private call<T>(request: ClientRequest, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`client: ${request.op} timed out after ${timeoutMs} ms`));
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

  connect(request: Omit<Extract<ClientRequest, { op: 'connect' }>, 'op'>): Promise<ConnectResult> {
    return this.call({ op: 'connect', ...request });
  }
  startLoad(request: Omit<Extract<ClientRequest, { op: 'startLoad' }>, 'op'>): Promise<Mark> {
    return this.call({ op: 'startLoad', ...request });
  }
  mark(): Promise<Mark> {
    return this.call({ op: 'mark' });
  }
  stopLoad(): Promise<Mark> {
    return this.call({ op: 'stopLoad' });
  }
  latency(reset: boolean): Promise<LatencyStats> {
    return this.call({ op: 'latency', reset });
  }
  closeReaders(): Promise<{ closed: number }> {
    return this.call({ op: 'closeReaders' });
  }

  /** Disconnects IPC (the worker exits) and kills it if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
