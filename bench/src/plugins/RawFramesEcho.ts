import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@easel/schemas';
// The channel's codec is not among @easel/gateway's package exports: reached by path (bench may import the gateway).
import { DEFAULT_MAX_FRAME_BYTES, encodeWithBody, FrameDecoder } from '../../../gateway/src/plugins/sandbox/frames.mjs';

const SCRIPT = fileURLToPath(new URL('./fixture/raw-frames-echo.mjs', import.meta.url));

/**
 * The plugin host's message channel alone, as a reference under the plugin host: a child process
 * spawned like the host spawns a plugin (an extra stdio pipe carrying length-prefixed frames,
 * `gateway/src/plugins/sandbox/frames.mjs`) that echoes each call's input. Encoded as the host and
 * the plugin runner encode them: the input and the value as body frames (MessagePack when plain JSON
 * data, else JSON), the value checked on receipt as the host checks it. No schemas, no registry, no
 * timeouts. Calls are answered in order of sending.
 */
export class RawFramesEcho {
  private nextId = 1;
  private readonly pending = new Map<number, (value: JsonValue | null) => void>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly channel: Socket,
  ) {
    child.on('exit', () => {
      for (const resolve of this.pending.values()) resolve(null);
      this.pending.clear();
    });
  }

  /** Starts the child and waits (at most `timeoutMs`) for it to be ready; null when it is not. */
  static async start(timeoutMs = 10_000): Promise<RawFramesEcho | null> {
    const child = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const channel = child.stdio[3] as Socket | null;
    if (!channel) {
      child.kill('SIGKILL');
      return null;
    }
    let echo: RawFramesEcho | null = null;
    let onReady: (() => void) | null = null;
    const decoder = new FrameDecoder(
      DEFAULT_MAX_FRAME_BYTES,
      (message) => {
        if (message.t === 'ready') onReady?.();
        else if (message.t === 'result' && typeof message.id === 'number') echo?.answer(message.id, message.value);
      },
      () => child.kill('SIGKILL'),
    );
    channel.on('data', (chunk: Buffer) => decoder.push(chunk));
    channel.on('error', () => {});
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) {
      echo = new RawFramesEcho(child, channel);
      return echo;
    }
    child.kill('SIGKILL');
    return null;
  }

  private answer(id: number, value: unknown): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.((value as JsonValue | undefined) ?? null);
  }

  /** Sends `input` and resolves with the echoed value, or null when the child is gone. */
  call(input: JsonValue): Promise<JsonValue | null> {
    if (this.channel.destroyed) return Promise.resolve(null);
    const encoded = encodeWithBody(
      { t: 'call', id: this.nextId, tool: 'echo', $body: 'input' },
      input,
      DEFAULT_MAX_FRAME_BYTES,
    );
    if (!encoded.ok) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.channel.write(encoded.frame);
    });
  }

  /** Ends the child (closes the channel, then SIGKILL if it is still there after 1 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.channel.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }
}
