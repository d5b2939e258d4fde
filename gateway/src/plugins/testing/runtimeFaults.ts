/**
 * The fault fixtures that misbehave during a call (`gateway/test/fixtures/plugins/`, see its
 * README): the tool to call, the `ToolFailure` kind and message it yields, and whether the plugin
 * process dies (FAILED, then restarted) or stays RUNNING. Shared by the host's own fault tests and
 * the gateway's over HTTP.
 */
export const RUNTIME_FAULTS = [
  { plugin: 'tool-throws', tool: 'boom', kind: 'threw', message: /TypeError: cannot read the frame/, crashes: false },
  { plugin: 'infinite-loop', tool: 'spin', kind: 'timeout', message: /did not finish within 300 ms/, crashes: true },
  { plugin: 'heap-blowup', tool: 'grow', kind: 'oom', message: /V8 heap limit of 48 MiB/, crashes: true },
  {
    plugin: 'buffer-blowup',
    tool: 'grow',
    kind: 'oom',
    message: /resident memory, over its 160 MiB limit/,
    crashes: true,
  },
  { plugin: 'exit', tool: 'exit', kind: 'crashed', message: /exited with code 3/, crashes: true },
  { plugin: 'abort', tool: 'abort', kind: 'crashed', message: /aborted \(SIGABRT\)/, crashes: true },
  { plugin: 'segfault', tool: 'segv', kind: 'crashed', message: /killed by SIGSEGV/, crashes: true },
  { plugin: 'kill-parent', tool: 'kill_parent', kind: 'threw', message: /EPERM/, crashes: false },
] as const;
