import { fileURLToPath } from 'node:url';
import { IpcChild } from '../lib/IpcChild.ts';
import type { StormOpened, StormRequest, StormStatus } from './stormProtocol.ts';

const WORKER = fileURLToPath(new URL('./stormWorker.ts', import.meta.url));

/** The parent's handle on the storm bench's reader process (`stormWorker.ts`). */
export class StormReaders {
  private constructor(private readonly child: IpcChild<StormRequest>) {}

  /** Forks `stormWorker.ts` (under tsx) in `cwd`. */
  static start(cwd: string): StormReaders {
    return new StormReaders(new IpcChild<StormRequest>(WORKER, cwd, 'storm readers'));
  }

  get pid(): number {
    return this.child.pid;
  }

  open(url: string, headers: Record<string, string>, count: number): Promise<StormOpened> {
    return this.child.call({ op: 'open', url, headers, count });
  }

  status(target: number): Promise<StormStatus> {
    return this.child.call({ op: 'status', target });
  }

  /** Closes every reader, then stops the process. */
  async stop(): Promise<void> {
    await this.child.call({ op: 'close' }, 10_000).catch(() => {});
    await this.child.stop();
  }
}
