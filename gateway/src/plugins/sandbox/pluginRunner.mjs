// @ts-check
/**
 * The child side of the plugin sandbox (contract §9): one long-lived process per plugin, started by
 * `PluginProcess` with a scrubbed environment, cwd = the plugin folder and a V8 heap limit.
 *
 * Plain ESM JavaScript (no TypeScript loader) so a restarted child is ready fast.
 *
 * Usage: `node --max-old-space-size=<mb> pluginRunner.mjs <absolute entry path> <host pid> <max message bytes>
 * own-session|shared-session` (whether the host started it in a session and process group of its own).
 *
 * Messages are length-prefixed frames (`frames.mjs`) over fd 3, a socket pair with the host (no Node
 * IPC channel): JSON, with a call's `input`, a result's `value` and a partial's `payload` as a body
 * frame of its own (MessagePack when it is plain JSON data, else JSON; either way the plugin sees
 * JSON semantics). Host → child:
 * - `{t: 'call', id, tool, $body: 'input'}` and the input runs `tools[tool](input, ctx)`;
 * - `{t: 'abort', id}` aborts that call's `ctx.signal`;
 * - `{t: 'stop'}` exits cleanly.
 * Child → host: `{t: 'ready', tools}` once the entry imported and `init(ctx)` resolved;
 * `{t: 'fatal', phase: 'import' | 'init', message, code?, missing?}` then exit 1;
 * `{t: 'progress' | 'warn', id, …}` and `{t: 'partial', id, $body: 'payload'}` with the payload while
 * a call runs (`id` null for `init`); `{t: 'result', id, ok: true, $body: 'value'}` followed by the
 * value (the host keeps its JSON text when it went as JSON), or `{t: 'result', id, ok: false, kind,
 * message}`.
 * A result over the size limit is answered `invalid_output` (a `partial` over it throws to the
 * plugin); the end of the channel (the host is gone) ends the process.
 *
 * When a call's code ends the process (`process.exit`, an uncaught exception in its async context)
 * while other calls are in flight, a line `<crash tag> call <id>` goes to stderr first
 * (synchronously): the host gives the crash's stderr line only to that call's caller. (A call that
 * started alone in the process is not named: the host falls back to who had calls in flight.) The tag (5th argument, random per process) is unknown to
 * callers, so no call's input can forge the line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeSync } from 'node:fs';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, encodeWithBody, FrameDecoder } from './frames.mjs';

const MAX_MESSAGE = 2000;
const CHANNEL_FD = 3;
const [entryPath = '', hostPidArg = '', maxBytesArg = '', sessionArg = '', crashTag = ''] = process.argv.slice(2);
const hostPid = Number(hostPidArg);
const maxBytes = Number(maxBytesArg) > 0 ? Math.floor(Number(maxBytesArg)) : DEFAULT_MAX_FRAME_BYTES;
/** Whether this process leads a process group of its own (else it is in the gateway's). */
const ownGroup = sessionArg === 'own-session';

guardKill();
/** The id of the call whose (async) code is running, if any. */
const currentCall = new AsyncLocalStorage();
const realExit = process.exit.bind(process);
tellCrashingCall();
if (!ownGroup) {
  // Ctrl-C in the gateway's terminal reaches its whole process group: the gateway decides when its
  // plugin processes end (a stop message, the end of the channel, or SIGKILL), not the terminal.
  process.on('SIGINT', () => {});
}

/** The channel to the host; its end (the host is gone or stopped us) ends this process. */
const channel = new net.Socket({ fd: CHANNEL_FD, readable: true, writable: true });
let channelOpen = true;
const onChannelGone = () => {
  channelOpen = false;
  realExit(0);
};
channel.on('end', onChannelGone);
channel.on('close', onChannelGone);
channel.on('error', onChannelGone);

/** The entry's tools once it is ready (calls only come after the ready message). */
/** @type {Record<string, unknown> | null} */
let readyTools = null;

const decoder = new FrameDecoder(
  maxBytes,
  (/** @type {any} */ message) => {
    if (message.t === 'call' && typeof message.id === 'number' && typeof message.tool === 'string') {
      if (readyTools) void runCall(readyTools, message);
    } else if (message.t === 'abort' && typeof message.id === 'number') {
      const entry = running.get(message.id);
      if (entry && !entry.abortReason) {
        entry.abortReason = new Error('aborted by the gateway');
        entry.controller?.abort(entry.abortReason);
      }
    } else if (message.t === 'stop') {
      realExit(0);
    }
  },
  // The host broke the protocol: nothing sensible can follow.
  () => realExit(1),
  // The host only sends MessagePack for plain JSON data (and checks what it gets from us).
  { trusted: true },
);
channel.on('data', (/** @type {Buffer} */ chunk) => decoder.push(chunk));

/**
 * Defence in depth: the plugin may signal itself and processes it started (and its own process group
 * when it has one), but never the gateway (its parent), pid 1, any other process group
 * (`process.kill(-1)` would reach everything this user owns), nor its own group when that is the
 * gateway's (`process.kill(0)`). `process.kill` goes through `process._kill`, which is replaced by a
 * non-writable guard before the entry is imported. This does not stop a plugin that runs `kill(1)`
 * through `child_process`; running plugins as another user (`runAs`) does.
 */
function guardKill() {
  /** @type {(pid: number, signal: number) => number} */
  // @ts-expect-error -- internal binding used by process.kill
  const realKill = process._kill;
  const selfPid = process.pid;
  const parentPid = process.ppid;
  const EPERM = -1;
  /** @param {number} pid @param {number} signal */
  const guarded = (pid, signal) => {
    const target = Number(pid);
    const group = ownGroup ? target < 0 && target !== -selfPid : target <= 0;
    const forbidden = target === hostPid || target === parentPid || target === 1 || group || Number.isNaN(target);
    if (forbidden) return EPERM;
    return realKill.call(process, target, signal);
  };
  Object.defineProperty(process, '_kill', { value: guarded, writable: false, configurable: false });
}

/**
 * Names on stderr the call whose code ends the process: `process.exit` from within a call, or an
 * uncaught exception thrown in a call's async context (written before Node prints the error).
 */
function tellCrashingCall() {
  if (!/^[0-9a-f]{16,}$/.test(crashTag)) return;
  const tell = () => {
    const id = currentCall.getStore();
    if (typeof id !== 'number') return;
    try {
      writeSync(2, `\n${crashTag} call ${id}\n`);
    } catch {
      // stderr is gone: the host falls back to who had calls in flight
    }
  };
  process.exit = /** @type {typeof process.exit} */ (
    (/** @type {number | string | null | undefined} */ code) => {
      tell();
      return realExit(code);
    }
  );
  // Only when the exception ends the process (no handler of the plugin's keeps it alive).
  process.on('uncaughtExceptionMonitor', (_err, origin) => {
    const handled =
      process.listenerCount('uncaughtException') > 0 ||
      (origin === 'unhandledRejection' && process.listenerCount('unhandledRejection') > 0);
    if (!handled) tell();
  });
}

/** @param {unknown} err */
function describe(err) {
  if (err instanceof Error) {
    const text = err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message || err.name;
    return truncate(text);
  }
  return truncate(String(err));
}

/** @param {string} text */
function truncate(text) {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/**
 * Sends to the host; false when the channel is gone. A value that JSON cannot encode, or whose JSON
 * is over the size limit, throws a TypeError whose message completes "the value is …" (nothing is sent).
 * @param {object} message
 * @param {() => void} [written] called once the frame was handed to the operating system
 */
function send(message, written) {
  if (!channelOpen) return false;
  const encoded = encodeFrame(message, maxBytes);
  if (!encoded.ok) {
    throw new TypeError(
      encoded.reason === 'too_large' ? encoded.message : `not JSON-serializable (${encoded.message})`,
    );
  }
  channel.write(encoded.frame, written);
  return true;
}

/**
 * Sends `head` with `body` as a body frame (see `encodeWithBody`); false when the channel is gone.
 * Throws like {@link send}.
 * @param {{$body: 'value' | 'payload'} & Record<string, unknown>} head
 * @param {unknown} body
 */
function sendWithBody(head, body) {
  if (!channelOpen) return false;
  const encoded = encodeWithBody(head, body, maxBytes);
  if (!encoded.ok) {
    throw new TypeError(
      encoded.reason === 'too_large' ? encoded.message : `not JSON-serializable (${encoded.message})`,
    );
  }
  channel.write(encoded.frame);
  return true;
}

/** @param {unknown} err */
function missingPackage(err) {
  const message = err instanceof Error ? err.message : '';
  const match = /Cannot find (?:package|module) '([^']+)'/.exec(message);
  if (!match?.[1]) return undefined;
  const spec = match[1];
  if (spec.startsWith('.') || spec.startsWith('/')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * @param {'import' | 'init'} phase
 * @param {unknown} err
 */
function fatal(phase, err) {
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
  const message = { t: 'fatal', phase, message: describe(err), code, missing: missingPackage(err) };
  try {
    if (send(message, () => realExit(1))) return;
  } catch {
    // fall through
  }
  realExit(1);
}

/**
 * The calls running, by id. The AbortController behind `ctx.signal` is made only when the tool reads
 * `ctx.signal` (most never do, and one costs microseconds per call); an abort that comes first is
 * remembered so the signal starts aborted.
 * @typedef {{controller: AbortController | null, abortReason: Error | null}} RunningCall
 * @type {Map<number, RunningCall>}
 */
const running = new Map();

/** @param {RunningCall} entry */
function signalOf(entry) {
  if (!entry.controller) {
    entry.controller = new AbortController();
    if (entry.abortReason) entry.controller.abort(entry.abortReason);
  }
  return entry.controller.signal;
}

/** @param {number} id */
function makeCtx(id) {
  /** @type {RunningCall} */
  const entry = { controller: null, abortReason: null };
  running.set(id, entry);
  return {
    /** @param {number} percent */
    progress(percent) {
      if (running.has(id)) send({ t: 'progress', id, percent: Number(percent) });
    },
    /** @param {unknown} message */
    warn(message) {
      if (running.has(id)) send({ t: 'warn', id, message: truncate(String(message)) });
    },
    /** @param {unknown} payload */
    partial(payload) {
      if (!running.has(id)) return;
      if (payload === undefined) throw new TypeError('ctx.partial(payload): payload must be a JSON value');
      try {
        sendWithBody({ t: 'partial', id, $body: 'payload' }, payload);
      } catch (err) {
        throw new TypeError(`ctx.partial(payload): payload is ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    get signal() {
      return signalOf(entry);
    },
  };
}

/**
 * @param {Record<string, unknown>} tools
 * @param {{id: number, tool: string, input: unknown}} call
 */
async function runCall(tools, call) {
  const { id, tool, input } = call;
  const fn = Object.hasOwn(tools, tool) ? tools[tool] : undefined;
  if (typeof fn !== 'function') {
    send({ t: 'result', id, ok: false, kind: 'threw', message: `the entry does not export tools.${tool}` });
    return;
  }
  const ctx = makeCtx(id);
  /** @type {unknown} */
  let value;
  /** @type {object | null} */
  let failure = null;
  try {
    // A call alone in the process needs no name: the host knows it is the one. Naming costs (the
    // storage's promise hooks slow every call), so it is on only while calls overlap.
    value = await (running.size > 1 ? currentCall.run(id, fn, input, ctx) : fn(input, ctx));
    if (value === undefined) {
      failure = { t: 'result', id, ok: false, kind: 'invalid_output', message: 'the tool returned undefined' };
    }
  } catch (err) {
    failure = { t: 'result', id, ok: false, kind: 'threw', message: describe(err) };
  }
  running.delete(id);
  if (running.size === 0) currentCall.disable();
  try {
    if (failure) send(failure);
    else sendWithBody({ t: 'result', id, ok: true, $body: 'value' }, value);
  } catch (err) {
    const message = truncate(`the result is ${err instanceof Error ? err.message : String(err)}`);
    send({ t: 'result', id, ok: false, kind: 'invalid_output', message });
  }
}

async function main() {
  /** @type {Record<string, unknown>} */
  let mod;
  try {
    mod = await import(pathToFileURL(entryPath).href);
  } catch (err) {
    fatal('import', err);
    return;
  }
  const tools = mod.tools;
  if (!tools || typeof tools !== 'object') {
    fatal('import', new TypeError('the entry must export `tools`, an object of async functions'));
    return;
  }
  const toolMap = /** @type {Record<string, unknown>} */ (tools);
  if (typeof mod.init === 'function') {
    const controller = new AbortController();
    const ctx = {
      progress() {},
      /** @param {unknown} message */
      warn(message) {
        send({ t: 'warn', id: null, message: truncate(String(message)) });
      },
      partial() {},
      signal: controller.signal,
    };
    try {
      await mod.init(ctx);
    } catch (err) {
      fatal('init', err);
      return;
    }
  }
  readyTools = toolMap;
  send({ t: 'ready', tools: Object.keys(toolMap) });
}

void main();
