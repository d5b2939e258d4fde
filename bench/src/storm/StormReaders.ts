import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StormOpened, StormReply, StormRequest, StormStatus } from './stormProtocol.ts';

const WORKER = fileURLToPath(new URL('./stormWorker.ts', import.meta.url));

/** The parent's handle on the storm bench's reader process. */
export class StormReaders {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: StormReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`storm readers: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`storm reader process exited (${code})`));
      this.waiting.clear();
    });
  }

  /** Forks `stormWorker.ts` (under tsx) in `cwd`. */
  static start(cwd: string): StormReaders {
    const child = fork(WORKER, [], {
      cwd,
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    process.on('exit', () => child.kill('SIGKILL'));
    return new StormReaders(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  open(url: string, headers: Record<string, string>, count: number): Promise<StormOpened> {
    return this.call({ op: 'open', url, headers, count }) as Promise<StormOpened>;
  }

  status(target: number): Promise<StormStatus> {
    return this.call({ op: 'status', target }) as Promise<StormStatus>;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.call({ op: 'close' }).catch(() => {});
    this.child.kill('SIGKILL');
  }

  private call(request: StormRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, request });
    });
  }
}
