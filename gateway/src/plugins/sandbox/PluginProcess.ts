import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@easel/schemas';
import type { PluginCallObserver } from '../PluginHost.ts';
import { classifyExit } from './classifyExit.ts';
import { encodeFrame, encodeWithBody, FrameDecoder } from './frames.mjs';
import { killProcessTree } from './killProcessTree.ts';
import { sandboxEnv } from './sandboxEnv.ts';

/** The child runner script (plain ESM, no TypeScript loader). */
export const RUNNER_PATH = fileURLToPath(new URL('./pluginRunner.mjs', import.meta.url));

/**
 * What one call in the child came to (before output validation). `json`: the value's JSON text as
 * the child sent it (a JSON body frame, see `frames.mjs`), already parsed into `value`; absent when
 * the value came as MessagePack (plain JSON data: serialize `value` when text is needed).
 */
export type CallOutcome =
  | { ok: true; value: JsonValue; json?: string | undefined }
  | { ok: false; kind: string; message: string };

/** How a start ended: ready, or why not (`missing` names a package the entry could not import). */
export type StartOutcome =
  | { ok: true }
  | { ok: false; phase: 'import' | 'init' | 'start'; message: string; missing?: string };

/** The end of a process that had become ready. `expected`: the host stopped it (idle, close). */
export interface ProcessExit {
  readonly expected: boolean;
  /**
   * `message` without what a call may have put there (the stderr line of a crash): what may be
   * shown to every tenant. The same as `message` when the host ended the process.
   */
  readonly summary: string;
  readonly kind: string;
  readonly message: string;
}

/** Options of one plugin process. */
export interface PluginProcessOptions {
  readonly dir: string;
  readonly entryPath: string;
  /** `--max-old-space-size`, MiB. */
  readonly heapMb: number;
  /** RSS above which the watchdog kills the process, MiB. */
  readonly rssLimitMb: number;
  readonly generation: number;
  readonly startTimeoutMs: number;
  readonly rssPollMs: number;
  readonly abortGraceMs: number;
  /** Largest frame either way, bytes (see `frames.mjs`). */
  readonly maxMessageBytes: number;
  readonly runAs?: { readonly uid: number; readonly gid: number };
  /**
   * Own session and process group (`setsid`): a kill reaches the whole group. Otherwise the child
   * shares the gateway's session (no scheduler autogroup of its own, so call round trips are not
   * delayed behind other sessions on a loaded machine) and a kill walks its process tree.
   */
  readonly ownSession: boolean;
  onInitWarning(message: string): void;
  /** Called once, after the process that had become ready is gone and its calls settled. */
  onExit(exit: ProcessExit): void;
}

interface PendingCall {
  readonly id: number;
  readonly tool: string;
  /** Whose data the call carries (see {@link PluginProcess.call}); undefined: nobody named. */
  readonly caller: string | undefined;
  readonly observer: PluginCallObserver;
  settled: boolean;
  resolve(outcome: CallOutcome): void;
  timer?: NodeJS.Timeout;
  abortTimer?: NodeJS.Timeout;
  unlisten?: () => void;
}

/** Why the host killed the process: `message` for the call that caused it, `others` for the rest. */
interface KillCause {
  readonly kind: 'timeout' | 'oom' | 'crashed' | 'aborted';
  readonly message: string;
  readonly others?: { kind: string; message: string };
  readonly callId?: number;
  readonly expected?: boolean;
}

const STDERR_TAIL = 16 * 1024;
const CLOSE_WAIT_MS = 200;

/** The child's fd of the message channel (`stdio[3]`, a socket pair). */
const CHANNEL_FD = 3;

/**
 * One plugin child process of one generation: spawn, ready handshake, calls with timeouts and
 * aborts, the RSS watchdog, and the classification of its end. Every pending call settles exactly
 * once; nothing it does throws or emits an unhandled 'error'. Messages after the process was
 * killed or ended are ignored, so a dead generation can never touch a newer one.
 *
 * Messages travel as length-prefixed frames (`frames.mjs`) over an extra stdio pipe, not Node's IPC
 * channel: JSON heads, and a call's `input`, a result's `value` and a partial's `payload` as a body
 * frame (MessagePack records when it is plain JSON data, else JSON); one encode and one decode per
 * message and direction and one write, nothing else per message. A frame over `maxMessageBytes`,
 * one that is not a JSON object, a body that does not decode or a MessagePack body that is not plain
 * JSON data is a protocol violation: the process is killed and its calls settle `crashed`. A frame
 * cut short by the child's death is dropped with it (the exit settles the calls, as any crash).
 */
export class PluginProcess {
  readonly generation: number;
  /** When the process became ready (ms since epoch), or null. */
  readyAt: number | null = null;
  private child: ChildProcess | null = null;
  private channel: Socket | null = null;
  private readonly calls = new Map<number, PendingCall>();
  private finished = false;
  private cause: KillCause | null = null;
  private fatal: { phase: 'import' | 'init'; message: string; missing?: string } | null = null;
  private stderrTail = '';
  private exitStatus: { code: number | null; signal: string | null } | null = null;
  private startResolve: ((outcome: StartOutcome) => void) | null = null;
  private startTimer: NodeJS.Timeout | undefined;
  private rssTimer: NodeJS.Timeout | undefined;
  private rssBusy = false;
  private readonly finishedWaiters: Array<() => void> = [];
  /** Tags the runner's stderr line naming the call that ended the process (see `pluginRunner.mjs`). */
  private readonly crashTag = randomBytes(12).toString('hex');

  constructor(private readonly options: PluginProcessOptions) {
    this.generation = options.generation;
  }

  /** The child's pid while it runs. */
  get pid(): number | undefined {
    return this.finished ? undefined : this.child?.pid;
  }

  /** Calls the child is still running, including aborted ones it has not given up yet. */
  get inFlight(): number {
    return this.calls.size;
  }

  /** Whether calls can be sent. */
  get usable(): boolean {
    return this.readyAt !== null && !this.finished && this.cause === null;
  }

  /** Spawns the child and waits for its ready handshake (import + init). Never rejects. */
  start(): Promise<StartOutcome> {
    const o = this.options;
    return new Promise<StartOutcome>((resolve) => {
      this.startResolve = resolve;
      const args = [
        `--max-old-space-size=${o.heapMb}`,
        RUNNER_PATH,
        o.entryPath,
        String(process.pid),
        String(o.maxMessageBytes),
        o.ownSession ? 'own-session' : 'shared-session',
        this.crashTag,
      ];
      let child: ChildProcess;
      try {
        child = spawn(process.execPath, args, {
          cwd: o.dir,
          env: sandboxEnv(o.dir),
          stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
          detached: o.ownSession,
          windowsHide: true,
          ...(o.runAs ? { uid: o.runAs.uid, gid: o.runAs.gid } : {}),
        });
      } catch (err) {
        this.finished = true;
        this.resolveStart({ ok: false, phase: 'start', message: `cannot start the plugin process: ${errText(err)}` });
        return;
      }
      this.child = child;
      child.on('error', (err) => this.onChildError(err));
      const channel = (child.stdio[CHANNEL_FD] as Socket | null | undefined) ?? null;
      this.channel = channel;
      if (channel) {
        const decoder = new FrameDecoder(
          o.maxMessageBytes,
          (message, bodyJson) => this.handleMessage(message, bodyJson),
          (problem) => this.onViolation(problem),
        );
        channel.on('data', (chunk: Buffer) => decoder.push(chunk));
        channel.on('error', (err) => this.onSendFailed(err));
      }
      child.on('exit', (code, signal) => this.onExitEvent(code, signal));
      child.on('close', () => this.finish());
      child.stdout?.on('error', () => {});
      child.stdout?.on('data', () => {});
      child.stderr?.on('error', () => {});
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
      });
      // The gateway's own handles keep it alive; a plugin process never does.
      child.unref();
      channel?.unref();
      (child.stdout as { unref?: () => void } | null)?.unref?.();
      (child.stderr as { unref?: () => void } | null)?.unref?.();
      this.startTimer = setTimeout(() => {
        const seconds = o.startTimeoutMs / 1000;
        this.kill({ kind: 'crashed', message: `importing the entry and init did not finish within ${seconds} s` });
      }, o.startTimeoutMs);
      this.rssTimer = setInterval(() => this.pollRss(), o.rssPollMs);
      this.rssTimer.unref();
    });
  }

  /**
   * Runs one call; resolves once with its outcome. Never rejects.
   *
   * `caller`: a key naming whose data the input is (a tenant and project); undefined for a call that
   * names nobody. When the process crashes by itself with calls in flight, the crash's stderr line
   * (it may carry a call's input) goes only to the calls of one caller: that of the call whose code
   * ended the process when the runner names it, else the one caller of every call in flight. Every
   * other call (and any call naming nobody) gets the message without it, saying the details were
   * withheld. Same kind either way.
   */
  call(
    id: number,
    tool: string,
    input: JsonValue,
    observer: PluginCallObserver,
    timeoutMs: number,
    signal?: AbortSignal,
    caller?: string,
  ): Promise<CallOutcome> {
    return new Promise<CallOutcome>((resolve) => {
      const channel = this.channel;
      if (!this.usable || !channel) {
        resolve({ ok: false, kind: 'crashed', message: 'the plugin process is not running' });
        return;
      }
      const encoded = encodeWithBody({ t: 'call', id, tool, $body: 'input' }, input, this.options.maxMessageBytes);
      if (!encoded.ok) {
        const message =
          encoded.reason === 'too_large' ? `input is ${encoded.message}` : `input is not JSON (${encoded.message})`;
        resolve({ ok: false, kind: 'invalid_input', message });
        return;
      }
      const pending: PendingCall = { id, tool, caller, observer, settled: false, resolve };
      this.calls.set(id, pending);
      pending.timer = setTimeout(() => this.onTimeout(pending, timeoutMs), timeoutMs);
      if (signal) {
        const onAbort = () => this.onAbort(pending);
        signal.addEventListener('abort', onAbort, { once: true });
        pending.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      // Errors (EPIPE: the child just died) come as the channel's 'error' event.
      if (!channel.destroyed) channel.write(encoded.frame);
    });
  }

  /**
   * SIGKILLs the process and what it started (its process group with `ownSession`, else its process
   * tree); pending calls settle with `cause`. Idempotent.
   */
  kill(cause: KillCause): void {
    if (this.finished) return;
    this.cause ??= cause;
    const pid = this.child?.pid;
    // Once it exited its pid (and group id) may be reused: never signal it again.
    if (pid === undefined || this.exitStatus) return;
    try {
      if (this.options.ownSession) process.kill(-pid, 'SIGKILL');
      else if (killProcessTree(pid) === 0) this.child?.kill('SIGKILL');
    } catch {
      try {
        this.child?.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Stops the process (asks it to exit, SIGKILL after `graceMs`); pending calls settle `aborted`. */
  stop(graceMs: number, why: string): Promise<void> {
    if (this.finished) return Promise.resolve();
    const done = this.whenFinished();
    this.cause ??= { kind: 'aborted', message: why, expected: true };
    if (!this.child?.pid || !this.send({ t: 'stop' })) {
      this.kill(this.cause);
      return done;
    }
    const hard = setTimeout(() => this.kill(this.cause ?? { kind: 'aborted', message: why }), graceMs);
    void done.then(() => clearTimeout(hard));
    return done;
  }

  /** Resolves once the process is gone and its calls settled (at once if it already is). */
  whenFinished(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise<void>((resolve) => this.finishedWaiters.push(resolve));
  }

  /**
   * Handles one message from the child (`bodyJson`: the JSON text of the field a JSON body frame
   * carried; none for a MessagePack body). Public for tests; ignored once killed or ended.
   */
  handleMessage(raw: unknown, bodyJson?: string): void {
    if (this.finished || this.cause || !raw || typeof raw !== 'object') return;
    const message = raw as Record<string, unknown>;
    const call = typeof message.id === 'number' ? this.calls.get(message.id) : undefined;
    switch (message.t) {
      case 'ready':
        if (this.readyAt === null) {
          this.readyAt = Date.now();
          clearTimeout(this.startTimer);
          this.resolveStart({ ok: true });
        }
        return;
      case 'fatal':
        if (message.phase === 'import' || message.phase === 'init') {
          this.fatal = {
            phase: message.phase,
            message: clip(String(message.message ?? 'failed')),
            ...(typeof message.missing === 'string' ? { missing: message.missing.slice(0, 214) } : {}),
          };
        }
        return;
      case 'progress': {
        const percent = Number(message.percent);
        if (call && !call.settled && Number.isFinite(percent)) {
          safely(() => call.observer.onProgress?.(Math.min(100, Math.max(0, percent))));
        }
        return;
      }
      case 'warn':
        if (message.id === null) safely(() => this.options.onInitWarning(clip(String(message.message))));
        else if (call && !call.settled) safely(() => call.observer.onWarning?.(clip(String(message.message))));
        return;
      case 'partial':
        if (call && !call.settled) safely(() => call.observer.onPartial?.(message.payload as JsonValue));
        return;
      case 'result':
        if (!call) return;
        this.calls.delete(call.id);
        if (message.ok === true) {
          const json = message.$body === 'value' ? bodyJson : undefined;
          this.settle(call, { ok: true, value: message.value as JsonValue, json });
        } else {
          const kind = message.kind === 'invalid_output' ? 'invalid_output' : 'threw';
          this.settle(call, { ok: false, kind, message: clip(String(message.message ?? 'the tool failed')) });
        }
        return;
    }
  }

  private settle(call: PendingCall, outcome: CallOutcome): void {
    clearTimeout(call.timer);
    clearTimeout(call.abortTimer);
    call.unlisten?.();
    if (call.settled) return;
    call.settled = true;
    call.resolve(outcome);
  }

  private onTimeout(call: PendingCall, ms: number): void {
    this.settle(call, {
      ok: false,
      kind: 'timeout',
      message: `the call did not finish within ${ms} ms; the plugin process was killed`,
    });
    this.kill({
      kind: 'timeout',
      message: 'timed out',
      callId: call.id,
      others: {
        kind: 'crashed',
        message: `the plugin process was killed because a call to ${call.tool} timed out after ${ms} ms`,
      },
    });
  }

  private onAbort(call: PendingCall): void {
    this.settle(call, { ok: false, kind: 'aborted', message: 'the call was aborted' });
    // if it cannot be sent, the grace timer below covers it
    this.send({ t: 'abort', id: call.id });
    const grace = this.options.abortGraceMs;
    call.abortTimer = setTimeout(() => {
      if (!this.calls.has(call.id)) return;
      this.kill({
        kind: 'crashed',
        message: 'ignored abort',
        others: {
          kind: 'crashed',
          message: `the plugin process was killed because a call to ${call.tool} ignored its abort for ${grace} ms`,
        },
      });
    }, grace);
  }

  /** Sends a (small, control) message; false when the channel is gone. */
  private send(message: { t: string; id?: number }): boolean {
    const channel = this.channel;
    if (!channel || channel.destroyed || !channel.writable) return false;
    const encoded = encodeFrame(message, this.options.maxMessageBytes);
    if (!encoded.ok) return false;
    channel.write(encoded.frame);
    return true;
  }

  /** The child sent a frame over the limit, one that is not a JSON object or a bad body: it is killed. */
  private onViolation(problem: string): void {
    if (this.finished || this.cause) return;
    const message = `the plugin process broke the message protocol (it sent ${problem}); it was killed`;
    this.kill({ kind: 'crashed', message, others: { kind: 'crashed', message } });
  }

  /** EPIPE and friends: usually the child just died (its exit tells why); if it lingers, kill it. */
  private onSendFailed(err: Error): void {
    setTimeout(() => {
      if (this.finished) return;
      this.kill({ kind: 'crashed', message: `the channel to the plugin process broke (${errText(err)})` });
    }, CLOSE_WAIT_MS).unref();
  }

  private pollRss(): void {
    const pid = this.pid;
    if (this.rssBusy || pid === undefined || this.cause) return;
    this.rssBusy = true;
    readFile(`/proc/${pid}/status`, 'utf8').then(
      (text) => {
        this.rssBusy = false;
        const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(text)?.[1] ?? 0);
        const mb = kb / 1024;
        if (mb <= this.options.rssLimitMb) return;
        const o = this.options;
        const message =
          `the plugin process used ${mb.toFixed(1)} MiB of resident memory, over its ${o.rssLimitMb} MiB limit ` +
          `(memory_mb ${o.heapMb} plus headroom); it was killed`;
        this.kill({ kind: 'oom', message, others: { kind: 'oom', message } });
      },
      () => {
        this.rssBusy = false;
      },
    );
  }

  private onChildError(err: Error): void {
    // Spawn failures never exit; other errors (kill, send) are followed by 'exit' if fatal.
    if (this.child?.pid === undefined) {
      this.cause ??= { kind: 'crashed', message: `cannot start the plugin process: ${errText(err)}` };
      this.finish();
    }
  }

  private onExitEvent(code: number | null, signal: string | null): void {
    this.exitStatus = { code, signal };
    // 'close' follows once stdio drains; a grandchild holding the pipes must not delay us forever.
    setTimeout(() => this.finish(), CLOSE_WAIT_MS).unref();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.startTimer);
    clearInterval(this.rssTimer);
    const o = this.options;
    const status = this.exitStatus ?? { code: null, signal: null };
    const told = crashingCall(this.stderrTail, this.crashTag);
    const natural = classifyExit(status.code, status.signal, told.stderr, o.heapMb);
    const cause = this.cause;
    if (this.readyAt === null) {
      if (this.fatal) this.resolveStart({ ok: false, ...this.fatal });
      else if (cause) this.resolveStart({ ok: false, phase: 'init', message: cause.message });
      else this.resolveStart({ ok: false, phase: 'start', message: natural.message });
    }
    const sole = cause ? undefined : fullCrashCaller(this.calls, told.callId);
    for (const call of this.calls.values()) {
      if (!cause) {
        this.settle(call, { ok: false, kind: natural.kind, message: crashMessageFor(call, natural, sole) });
      } else if (cause.callId === call.id) {
        this.settle(call, { ok: false, kind: cause.kind, message: cause.message });
      } else {
        const other = cause.others ?? { kind: cause.kind, message: cause.message };
        this.settle(call, { ok: false, kind: other.kind, message: other.message });
      }
    }
    this.calls.clear();
    if (this.readyAt !== null) {
      const exit: ProcessExit = cause
        ? {
            expected: cause.expected === true,
            kind: cause.kind,
            message: cause.others?.message ?? cause.message,
            summary: cause.others?.message ?? cause.message,
          }
        : {
            expected: false,
            kind: natural.kind,
            message: natural.message,
            summary: natural.summary ?? natural.message,
          };
      safely(() => o.onExit(exit));
    }
    for (const waiter of this.finishedWaiters.splice(0)) waiter();
  }

  private resolveStart(outcome: StartOutcome): void {
    const resolve = this.startResolve;
    this.startResolve = null;
    resolve?.(outcome);
  }
}

/**
 * The runner's line naming the call whose code ended the process (the last one; none when the crash
 * came from elsewhere), and the stderr tail without such lines.
 */
function crashingCall(stderrTail: string, tag: string): { callId: number | undefined; stderr: string } {
  if (!stderrTail.includes(tag)) return { callId: undefined, stderr: stderrTail };
  let callId: number | undefined;
  const kept: string[] = [];
  for (const line of stderrTail.split('\n')) {
    const match = line.startsWith(tag) ? /^[0-9a-f]+ call (\d+)$/.exec(line) : null;
    if (match) callId = Number(match[1]);
    else kept.push(line);
  }
  return { callId, stderr: kept.join('\n') };
}

/**
 * The caller whose calls get a crash's stderr line: that of the call that ended the process when
 * the runner named it (none when that call is no longer in flight or named no caller), else the
 * caller shared by every call still in the child (settled aborted ones too: they still run and may
 * have caused it); undefined when they name several callers or any names none.
 */
function fullCrashCaller(calls: ReadonlyMap<number, PendingCall>, culprit: number | undefined): string | undefined {
  if (culprit !== undefined) return calls.get(culprit)?.caller;
  let sole: string | undefined;
  for (const call of calls.values()) {
    if (call.caller === undefined || (sole !== undefined && sole !== call.caller)) return undefined;
    sole = call.caller;
  }
  return sole;
}

/**
 * The crash message one call gets: with the stderr line only when the call's caller is the sole
 * caller with calls in flight (the line may carry that caller's input), else the summary.
 */
function crashMessageFor(
  call: PendingCall,
  natural: { readonly message: string; readonly summary?: string },
  sole: string | undefined,
): string {
  if (natural.summary === undefined) return natural.message;
  if (call.caller !== undefined && call.caller === sole) return natural.message;
  const why =
    call.caller === undefined ? 'the call named no tenant' : "another tenant's or project's call was in flight";
  return `${natural.summary} (details withheld: ${why})`;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function clip(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // an observer's bug must not break the host
  }
}
