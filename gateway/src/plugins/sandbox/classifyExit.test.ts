import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyExit, stderrHint } from './classifyExit.ts';
import { sandboxEnv } from './sandboxEnv.ts';

const V8_OOM = `<--- Last few GCs --->
[123:0x5]   812 ms: Mark-Compact 62.1 (65.3) -> 61.9 (65.8) MB
FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
----- Native stack trace -----
 1: 0xb8ced1 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]
`;

const ABORT = `----- Native stack trace -----

 1: 0xd3a3c0  [node]

----- JavaScript stack trace -----

1: abort (file:///plugins/abort/index.mjs:3:13)
2: processTicksAndRejections (node:internal/process/task_queues:95:5)
`;

describe('[CONTRACT 9] plugin process exits', () => {
  it('[CONTRACT 9] a V8 heap overflow is oom, naming the limit', () => {
    expect(classifyExit(null, 'SIGABRT', V8_OOM, 64)).toEqual({
      kind: 'oom',
      message: 'the plugin process ran out of memory: the V8 heap limit of 64 MiB (memory_mb) was reached',
    });
  });

  it('[CONTRACT 9] signals and exit codes are crashed, with the telling stderr line', () => {
    expect(classifyExit(null, 'SIGSEGV', '', 64)).toEqual({
      kind: 'crashed',
      message: 'the plugin process was killed by SIGSEGV (segmentation fault)',
    });
    expect(classifyExit(null, 'SIGABRT', ABORT, 64).message).toBe(
      'the plugin process aborted (SIGABRT); stderr: at abort (file:///plugins/abort/index.mjs:3:13)',
    );
    expect(classifyExit(3, null, '', 64).message).toBe('the plugin process exited with code 3');
    expect(classifyExit(0, null, '', 64).message).toMatch(/must not call process.exit/);
    const uncaught =
      'file:///p/index.mjs:2\n  throw new RangeError("bad")\n  ^\n\nRangeError: bad\n    at x (file:///p/index.mjs:2:9)\n\nNode.js v20.20.2\n';
    expect(classifyExit(1, null, uncaught, 64).message).toBe(
      'the plugin process exited with code 1; stderr: RangeError: bad',
    );
    // What every tenant may see (health reason, the inspector's host entry): no stderr line.
    expect(classifyExit(1, null, uncaught, 64).summary).toBe('the plugin process exited with code 1');
  });

  it('[CONTRACT 9] property: any stderr gives a short hint and a crashed/oom kind, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.option(fc.integer({ min: 0, max: 255 })), (text, code) => {
        expect(stderrHint(text).length).toBeLessThanOrEqual(300);
        expect(['crashed', 'oom']).toContain(
          classifyExit(code ?? null, code === null ? 'SIGKILL' : null, text, 64).kind,
        );
      }),
    );
  });

  it('[CONTRACT 9] the sandbox environment holds PATH, NODE_ENV, TZ, LANG and HOME only', () => {
    const env = sandboxEnv('/plugins/x', {
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      EASEL_JWT_SECRET: 'secret',
      NODE_OPTIONS: '--import tsx',
      HOME: '/root',
    });
    expect(env).toEqual({ PATH: '/usr/bin', LANG: 'C.UTF-8', HOME: '/plugins/x' });
  });
});
