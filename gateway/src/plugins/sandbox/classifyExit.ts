/** Why a plugin process died, as a call error kind and an actionable message. */
export interface ExitClass {
  readonly kind: 'oom' | 'crashed';
  readonly message: string;
  /** `message` without the stderr line (which may carry a call's data), when it has one. */
  readonly summary?: string;
}

const HEAP_OOM = /JavaScript heap out of memory|Reached heap limit|Allocation failed - /;

const SIGNAL_WORDS: Readonly<Record<string, string>> = {
  SIGSEGV: 'was killed by SIGSEGV (segmentation fault)',
  SIGABRT: 'aborted (SIGABRT)',
  SIGBUS: 'was killed by SIGBUS (bus error)',
  SIGILL: 'was killed by SIGILL (illegal instruction)',
  SIGFPE: 'was killed by SIGFPE (arithmetic fault)',
  SIGKILL: 'was killed by SIGKILL from outside the gateway (for example the system OOM killer)',
  SIGTERM: 'was stopped by SIGTERM from outside the gateway',
};

/**
 * Classifies the end of a plugin process the gateway did not ask for: a V8 heap overflow (seen on
 * stderr) is `oom`; anything else (`process.exit`, `process.abort`, a fatal signal) is `crashed`.
 */
export function classifyExit(
  code: number | null,
  signal: string | null,
  stderrTail: string,
  heapMb: number,
): ExitClass {
  if (HEAP_OOM.test(stderrTail)) {
    return {
      kind: 'oom',
      message: `the plugin process ran out of memory: the V8 heap limit of ${heapMb} MiB (memory_mb) was reached`,
    };
  }
  let what: string;
  if (signal) what = SIGNAL_WORDS[signal] ?? `was killed by ${signal}`;
  else if (code === 0) what = 'exited with code 0 (a plugin must not call process.exit)';
  else what = `exited with code ${code ?? 'unknown'}`;
  const hint = stderrHint(stderrTail);
  if (!hint) return { kind: 'crashed', message: `the plugin process ${what}` };
  return {
    kind: 'crashed',
    message: `the plugin process ${what}; stderr: ${hint}`,
    summary: `the plugin process ${what}`,
  };
}

/**
 * The most telling stderr line (≤ 300 chars): the top JavaScript frame of a native abort report,
 * else the last error line, else the last line that is not a stack frame.
 */
export function stderrHint(stderrTail: string): string {
  const lines = stderrTail
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('Node.js v'));
  const jsStack = lines.lastIndexOf('----- JavaScript stack trace -----');
  let pick: string | undefined;
  if (jsStack >= 0 && lines[jsStack + 1]) pick = `at ${lines[jsStack + 1]?.replace(/^\d+:\s*/, '')}`;
  for (let i = lines.length - 1; i >= 0 && !pick; i--) {
    const line = lines[i] ?? '';
    if (/^(?:[A-Z][A-Za-z]*Error|Error|FATAL ERROR)\b/.test(line)) pick = line;
  }
  pick ??= lines.filter((line) => !/^(?:\d+:|at |-----|\^)/.test(line)).at(-1);
  if (!pick) return '';
  return pick.length > 300 ? `${pick.slice(0, 299)}…` : pick;
}
