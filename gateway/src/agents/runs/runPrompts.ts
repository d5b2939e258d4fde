import { clipText } from './clipJson.ts';
import type { RunTool } from './RunTool.ts';
import type { VerifyOutcome } from './verifyRun.ts';

/** The system message of a run: who it is, the goal, the inputs, the tools. */
export function systemPrompt(run: {
  runId: string;
  canvasId: string | undefined;
  goal: string;
  inputs: unknown;
  tools: readonly RunTool[];
}): string {
  const tools = run.tools.map((t) => `${t.name}: ${t.description}`).join('\n');
  return [
    `You are an agent run (${run.runId}) working on canvas '${run.canvasId ?? ''}'.`,
    `Goal: ${run.goal}`,
    `Inputs (JSON): ${clipText(JSON.stringify(run.inputs) ?? '{}', 8000)}`,
    tools.length > 0 ? `Tools you may call:\n${tools}` : 'You have no tools.',
    'Change the canvas by proposing state ops; the gateway commits them as this run. Your work is verified when you answer without calling tools.',
  ].join('\n');
}

/** The user message of a reflection round: what failed, what to do. */
export function reflectionPrompt(judged: VerifyOutcome, commitErrors: readonly string[]): string {
  const problems = [...judged.problems, ...commitErrors.map((e) => `a canvas change was refused: ${e}`)];
  return clipText(`Verification failed: ${problems.join('; ')}. Revise your work and answer again.`, 4000);
}
