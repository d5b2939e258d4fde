import type { JsonValue } from '@easel/schemas';
import { abortableSleep } from './abortableSleep.ts';
import { planLocalReply } from './localIntents.ts';
import { estimateTokens, hashText, seededRandom, tokenize } from './localText.ts';
import type { ModelAdapter, ModelChunk, ModelMessage, ModelRequest, ModelTool, ModelToolCall } from './ModelAdapter.ts';

/** Options of {@link LocalModel}. */
export interface LocalModelOptions {
  /** Name in the pool. Default `local`. */
  name?: string;
  /**
   * Mean delay before each visible token, ms (a seeded ±25 % jitter keeps the pace realistic
   * and deterministic). Default 12. Tests use 0–2; 0 still yields to the event loop per token.
   */
  tokenDelayMs?: number;
  /** How long `warm()` takes (the pool reports `loading` meanwhile), ms. Default 0. */
  loadDelayMs?: number;
  /**
   * Test hook: awaited before the first chunk of every completion (a latch). The stream still
   * ends promptly when the request's signal aborts while it waits.
   */
  beforeFirstChunk?: (req: ModelRequest) => Promise<void>;
}

/** Words in a goal that make the model call tools without end (so budgets have work to stop). */
const FOREVER = /\b(?:loop|forever|keep)\b/i;
/** Longest tool result the summary quotes, characters. */
const QUOTE_LIMIT = 160;

/**
 * The built-in model: no network, deterministic for a given request (the reply, ids and
 * positions are seeded from the text and canvas id), streams tokens at a realistic pace, and
 * proposes real `state.ops` (see `planLocalReply`).
 *
 * **Turns** (`tools` empty): the last `user` message is the request. The stream is the reply as
 * `token` chunks (a word with its trailing space each), then one `ops` chunk when the request
 * asks for a canvas change, then one `usage` chunk.
 *
 * **Tool calling** (runs, `tools` non-empty). Each `stream()` call is one model round; the
 * caller runs the calls and asks again with the conversation extended by an `assistant` message
 * carrying `tool_calls` and one `tool` message per call (`tool_call_id`, `content` = the result,
 * JSON text for structured results). The goal is the first `user` message.
 * - Tools used: those whose `name` occurs in the goal (case-insensitive); when none does, all.
 * - Round 1 (no `assistant` message with `tool_calls` after the last `user` message): one
 *   `thought` ("Step n: calling a, b."), then one `tool_call` per tool used (all in the same
 *   round: the caller may run them in parallel), then `usage`. No `token`s, no `ops`.
 * - Next round (the calls were answered): the final answer: `token`s summarizing each result
 *   ("a returned …" / "a failed: …" when the content is JSON with `ok: false` or an `error`),
 *   then the reply to the last `user` message as in a turn (falling back to the goal when the
 *   last message asks for no change, e.g. a reflection prompt), its `ops`, then `usage`.
 * - A goal with "loop", "forever" or "keep" never finishes: every round is a tool round.
 * - `call_id`s are `call_<round>_<i>` with `round` counted over the whole conversation, so they
 *   stay unique across reflection rounds.
 * - A call's `input`: `inputs[<tool name>]` when the request's `inputs` has that key; else, when
 *   the tool's `input_schema` lists `properties`, the `inputs` entries with those names; else all
 *   of `inputs` (`{}` when there are none).
 *
 * Usage: `input_tokens` ≈ characters / 4 over all messages; `output_tokens` counts the visible
 * tokens, the thought's and 8 per tool call. `maxTokens` cuts the visible tokens short (ops and
 * usage still follow). An aborted request ends with `{kind: 'error', code: 'aborted'}`.
 */
export class LocalModel implements ModelAdapter {
  readonly name: string;
  private readonly tokenDelayMs: number;
  private readonly loadDelayMs: number;
  private readonly beforeFirstChunk: LocalModelOptions['beforeFirstChunk'];

  constructor(options: LocalModelOptions = {}) {
    this.name = options.name ?? 'local';
    this.tokenDelayMs = Math.max(0, options.tokenDelayMs ?? 12);
    this.loadDelayMs = Math.max(0, options.loadDelayMs ?? 0);
    this.beforeFirstChunk = options.beforeFirstChunk;
  }

  async warm(): Promise<void> {
    if (this.loadDelayMs > 0) await abortableSleep(this.loadDelayMs, new AbortController().signal);
  }

  stream(req: ModelRequest): AsyncIterable<ModelChunk> {
    return this.run(req);
  }

  private async *run(req: ModelRequest): AsyncGenerator<ModelChunk> {
    const aborted: ModelChunk = { kind: 'error', code: 'aborted', message: 'the request was aborted' };
    try {
      if (this.beforeFirstChunk) {
        const gate = this.beforeFirstChunk(req).then(
          () => true,
          () => true,
        );
        const cancelled = new Promise<boolean>((resolve) => {
          if (req.signal.aborted) resolve(false);
          else req.signal.addEventListener('abort', () => resolve(false), { once: true });
        });
        if (!(await Promise.race([gate, cancelled]))) {
          yield aborted;
          return;
        }
      }
      if (req.signal.aborted) {
        yield aborted;
        return;
      }
      const inputTokens = req.messages.reduce((n, m) => n + estimateTokens(m.content), 0);
      const turn = decideRound(req);
      let output = 0;
      if (turn.thought !== undefined) {
        output += estimateTokens(turn.thought);
        yield { kind: 'thought', text: turn.thought };
      }
      const rand = seededRandom(hashText(turn.text));
      const limit = req.maxTokens ?? Number.POSITIVE_INFINITY;
      for (const piece of tokenize(turn.text)) {
        if (output >= limit) break;
        const jitter = 0.75 + 0.5 * rand();
        if (!(await abortableSleep(Math.round(this.tokenDelayMs * jitter), req.signal))) {
          yield aborted;
          return;
        }
        output += 1;
        yield { kind: 'token', text: piece };
      }
      for (const call of turn.calls) {
        output += 8;
        yield { kind: 'tool_call', call_id: call.call_id, tool: call.tool, input: call.input };
      }
      if (req.signal.aborted) {
        yield aborted;
        return;
      }
      if (turn.ops.length > 0) yield { kind: 'ops', ops: turn.ops };
      yield { kind: 'usage', input_tokens: inputTokens, output_tokens: output };
    } catch (err) {
      // planLocalReply is pure; this is a safety net so the stream never throws.
      yield { kind: 'error', code: 'bad_response', message: `the local model failed: ${String(err)}` };
    }
  }
}

interface Round {
  thought?: string;
  text: string;
  calls: ModelToolCall[];
  ops: ReturnType<typeof planLocalReply>['ops'];
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** What one round of the local model says and does (pure). */
function decideRound(req: ModelRequest): Round {
  const messages = req.messages;
  const goal = messages.find((m) => m.role === 'user')?.content ?? '';
  const lastUserAt = lastIndex(messages, (m) => m.role === 'user');
  const lastUser = lastUserAt >= 0 ? messages[lastUserAt]!.content : '';
  const since = messages.slice(lastUserAt + 1);
  const toolRoundsSince = since.filter((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0).length;
  const toolRoundsAll = messages.filter((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0).length;

  if (req.tools.length > 0 && (FOREVER.test(goal) || toolRoundsSince === 0)) {
    const used = toolsUsed(goal, req.tools);
    const round = toolRoundsAll + 1;
    const calls = used.map((tool, i) => ({
      call_id: `call_${round}_${i + 1}`,
      tool: tool.name,
      input: toolInput(tool, req.inputs ?? {}),
    }));
    return { thought: `Step ${round}: calling ${used.map((t) => t.name).join(', ')}.`, text: '', calls, ops: [] };
  }

  let plan = planLocalReply(lastUser, req.canvas);
  if (plan.intent === 'none' && lastUserAt > 0) {
    const fromGoal = planLocalReply(goal, req.canvas);
    if (fromGoal.intent !== 'none') plan = fromGoal;
  }
  const summary = summarizeResults(since);
  const text = summary.length > 0 ? `${summary.join(' ')} ${plan.text}` : plan.text;
  return { text, calls: [], ops: plan.ops };
}

/** Tools named in the goal, else all (in the request's order). */
function toolsUsed(goal: string, tools: readonly ModelTool[]): readonly ModelTool[] {
  const lower = goal.toLowerCase();
  const named = tools.filter((t) => lower.includes(t.name.toLowerCase()));
  return named.length > 0 ? named : tools;
}

function toolInput(tool: ModelTool, inputs: Readonly<Record<string, JsonValue>>): JsonValue {
  if (Object.hasOwn(inputs, tool.name)) return inputs[tool.name]!;
  const schema = tool.input_schema;
  const props = schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? schema.properties : undefined;
  if (props !== null && typeof props === 'object' && !Array.isArray(props) && props !== undefined) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(props)) if (Object.hasOwn(inputs, key)) out[key] = inputs[key]!;
    return out;
  }
  return { ...inputs };
}

/** One sentence per answered tool call. */
function summarizeResults(messages: readonly ModelMessage[]): string[] {
  const names = new Map<string, string>();
  for (const m of messages) for (const c of m.tool_calls ?? []) names.set(c.call_id, c.tool);
  const out: string[] = [];
  for (const m of messages) {
    if (m.role !== 'tool') continue;
    const tool = (m.tool_call_id !== undefined ? names.get(m.tool_call_id) : undefined) ?? 'a tool';
    const failure = failureOf(m.content);
    const quote = (s: string) => (s.length > QUOTE_LIMIT ? `${s.slice(0, QUOTE_LIMIT - 1)}…` : s);
    out.push(failure !== null ? `${tool} failed: ${quote(failure)}.` : `${tool} returned ${quote(m.content.trim())}.`);
  }
  return out;
}

/** The error of a failed tool result (JSON with `ok: false` or an `error`), else null. */
function failureOf(content: string): string | null {
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as { ok?: unknown; error?: unknown };
      if (o.ok === false || (o.error !== undefined && o.error !== null)) {
        return typeof o.error === 'string' ? o.error : JSON.stringify(o.error ?? 'failed');
      }
    }
  } catch {
    // Plain text result.
  }
  return null;
}
