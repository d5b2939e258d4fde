import { REPO_ROOT } from '../../../gateway/test/harness/GatewayProcess.ts';
import { type CommandRun, runCommand } from './runCommand.ts';

/** What an example process did. */
export type ExampleRun = CommandRun;

/**
 * Runs a repository example (`sdk/transport/examples/<name>.ts`) as a real Node child process
 * through tsx from the repository root; rejects (after SIGKILL) when it has not exited in time.
 */
export function runExample(example: string, args: string[], timeoutMs: number): Promise<ExampleRun> {
  return runCommand(process.execPath, ['--import', 'tsx', example, ...args], { cwd: REPO_ROOT, timeoutMs });
}
