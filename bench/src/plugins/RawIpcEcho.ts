import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@easel/schemas';

const SCRIPT = fileURLToPath(new URL('./fixture/raw-ipc-echo.mjs', import.meta.url));

/**
 * Node's IPC channel alone, as a reference under the plugin host: a child process spawned like the
 * host spawns a plugin (`stdio` with an `ipc` channel, `serialization: 'json'`) that echoes each
 * call message. No schemas, no registry, no timeouts. Calls are answered in order of sending.
 */
export class RawIpcEcho {
  private nextId = 1;
  private readonly pending = new Map<number, (value: JsonValue | null) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { t?: string; id?: number; value?: JsonValue }) => {
      if (message?.t !== 'result' || typeof message.id !== 'number') return;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.value ?? null);
    });
    child.on('exit', () => {
      for (const resolve of this.pending.values()) resolve(null);
      this.pending.clear();
    });
  }

  /** Starts the child and waits (at most `timeoutMs`) for it to be ready; null when it is not. */
  static async start(timeoutMs = 10_000): Promise<RawIpcEcho | null> {
    const child = spawn(process.execPath, [SCRIPT], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      child.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) return new RawIpcEcho(child);
    child.kill('SIGKILL');
    return null;
  }

  /** Sends `input` and resolves with the echoed value, or null when the child is gone. */
  call(input: JsonValue): Promise<JsonValue | null> {
    if (!this.child.connected) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      try {
        this.child.send({ t: 'call', id, tool: 'echo', input }, (err) => {
          if (err && this.pending.delete(id)) resolve(null);
        });
      } catch {
        this.pending.delete(id);
        resolve(null);
      }
    });
  }

  /** Ends the child (disconnect, then SIGKILL if it is still there after 1 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }
}
