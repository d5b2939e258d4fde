import { fileURLToPath } from 'node:url';
import { IpcChild } from '../lib/IpcChild.ts';
import type { ClientRequest, ConnectResult, LatencyStats, Mark } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./clientWorker.ts', import.meta.url));

/** The parent's handle on a client process (readers + writers), with one method per IPC request. */
export class ClientProcess {
  private constructor(private readonly child: IpcChild<ClientRequest>) {}

  /** Forks the client process (`node --import tsx clientWorker.ts`) in `cwd`. */
  static start(cwd: string): ClientProcess {
    return new ClientProcess(new IpcChild<ClientRequest>(WORKER, cwd, 'client'));
  }

  get pid(): number {
    return this.child.pid;
  }

  private call<T>(request: ClientRequest): Promise<T> {
    return this.child.call<T>(request);
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
  stop(graceMs = 3000): Promise<void> {
    return this.child.stop(graceMs);
  }
}
