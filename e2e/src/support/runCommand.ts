import { runChild } from '../../../gateway/test/harness/runChild.ts';

/** What a finished command did. */
export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command as a child process in its own process group ({@link runChild}); rejects, after
 * SIGKILL to that group, when it has not exited within `timeoutMs`.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs: number },
): Promise<CommandRun> {
  const run = await runChild(command, args, { ...options, group: true });
  if (run.timedOut) {
    throw new Error(
      `${command} ${args.join(' ')} did not exit within ${options.timeoutMs} ms:\n${run.stdout}\n${run.stderr}`,
    );
  }
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}
