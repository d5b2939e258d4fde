import type { StateOp, TaskSpec } from '@easel/schemas';
import type { ModelAdapter, ModelContext, ModelMessage, ModelToolCall } from '../models/ModelAdapter.ts';
import { clipText } from './clipJson.ts';
import type { RunBudget } from './RunBudget.ts';
import type { RunEvents } from './RunEvents.ts';
import type { RunTool } from './RunTool.ts';

/** Longest text of one `token` event (the schema's limit). */
const TOKEN_TEXT = 4000;
/** Longest text of one `thought` event. */
const THOUGHT_TEXT = 16_000;

/** What one model round produced: its text, tool calls, proposed ops, or why the model failed. */
export interface ModelRound {
  text: string;
  calls: ModelToolCall[];
  ops: StateOp[];
  error: { code: string; message: string } | null;
}

/** One model round of a run. */
export interface ModelRoundInput {
  readonly runId: string;
  readonly step: number;
  readonly model: ModelAdapter;
  /** The conversation so far (copied: the model never sees later pushes). */
  readonly messages: readonly ModelMessage[];
  /** The canvas as the model sees it, or null when it cannot be read. */
  readonly canvas: ModelContext | null;
  readonly tools: readonly RunTool[];
  /** The TaskSpec's `inputs` (the local model takes tool inputs from them). */
  readonly inputs: TaskSpec['inputs'];
  readonly budget: RunBudget;
  readonly events: Pick<RunEvents, 'telemetry'>;
}

/**
 * Streams one completion: `token` and `thought` chunks go out as telemetry as they arrive, the
 * budget is charged as it goes (an estimate, settled with the reported usage at the end), and the
 * stream is left the moment the budget stops the run.
 */
export async function streamModelRound(o: ModelRoundInput): Promise<ModelRound> {
  const { runId, step, budget } = o;
  const round: ModelRound = { text: '', calls: [], ops: [], error: null };
  let usage: { input_tokens: number; output_tokens: number } | null = null;
  const stream = o.model.stream({
    messages: [...o.messages],
    canvas: o.canvas,
    tools: o.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
    maxTokens: budget.tokensLeft,
    signal: budget.signal,
    inputs: o.inputs,
  });
  for await (const chunk of stream) {
    switch (chunk.kind) {
      case 'token':
        round.text += chunk.text;
        o.events.telemetry({ run_id: runId, step, kind: 'token', text: clipText(chunk.text, TOKEN_TEXT) });
        budget.estimate(1);
        break;
      case 'thought':
        o.events.telemetry({ run_id: runId, step, kind: 'thought', text: clipText(chunk.text, THOUGHT_TEXT) });
        budget.estimate(Math.ceil(chunk.text.length / 4));
        break;
      case 'tool_call':
        round.calls.push({ call_id: chunk.call_id, tool: chunk.tool, input: chunk.input });
        break;
      case 'ops':
        round.ops.push(...chunk.ops);
        break;
      case 'usage':
        usage = { input_tokens: chunk.input_tokens, output_tokens: chunk.output_tokens };
        break;
      case 'error':
        if (chunk.code !== 'aborted') round.error = { code: chunk.code, message: chunk.message };
        break;
    }
    if (budget.stopped) break;
  }
  budget.settleRound(usage);
  return round;
}
