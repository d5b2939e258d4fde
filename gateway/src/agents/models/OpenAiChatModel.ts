import { describeZodError, type JsonValue, stateOpSchema } from '@easel/schemas';
import { z } from 'zod';
import type { ModelAdapter, ModelChunk, ModelMessage, ModelRequest, ModelTool } from './ModelAdapter.ts';
import { readSseData } from './readSseData.ts';

/** Options of {@link OpenAiChatModel}. */
export interface OpenAiChatModelOptions {
  /** Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  /** The `model` field sent. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Name in the pool. Default `openai:<model>`. */
  name?: string;
  /** Gives up on a response that sends nothing for this long, ms. Default 60000. */
  idleTimeoutMs?: number;
  /** Extra request body fields (temperature, …). */
  extraBody?: Record<string, JsonValue>;
  /** The fetch to use. Default the global one. */
  fetch?: typeof fetch;
}

/** The tool through which the model proposes canvas changes. */
export const APPLY_OPS_TOOL = 'apply_ops';

const applyOpsArgsSchema = z.object({ ops: z.array(stateOpSchema).max(500) });

const APPLY_OPS_PARAMETERS = {
  type: 'object',
  properties: {
    ops: {
      type: 'array',
      description:
        'state.ops: {op:"insert",root,key?,index?,value} | {op:"update",root,key?|index?,path?,value} | {op:"delete",root,key?|index?,length?} | {op:"move",root,from,to}',
      items: { type: 'object' },
    },
  },
  required: ['ops'],
} as const;

/** OpenAI function names allow `[a-zA-Z0-9_-]`: `plugin.tool` travels as `plugin__tool`. */
function wireName(name: string): string {
  return name
    .replace(/\./g, '__')
    .replace(/[^a-zA-Z0-9_-]/g, '_')
    .slice(0, 64);
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

/**
 * A model behind an OpenAI-compatible chat-completions endpoint: `POST {baseUrl}/chat/completions`
 * with `stream: true` (and `stream_options.include_usage`). Streams `delta.content` as `token`s,
 * `delta.reasoning_content` / `delta.reasoning` as `thought`s, accumulates `delta.tool_calls` by
 * index and emits them when the stream ends (`[DONE]`, `finish_reason`, or the body's end),
 * reports `usage`. With a canvas, a system message describes it and the tool `apply_ops`
 * (`{ops: StateOp[]}`) is offered: its call becomes an `ops` chunk, or an `error` chunk
 * `invalid_ops` with the failing path. Other tool calls become `tool_call` chunks with the
 * original tool name. HTTP or network failures end the stream with an `error` chunk; never throws.
 */
export class OpenAiChatModel implements ModelAdapter {
  readonly name: string;
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: OpenAiChatModelOptions) {
    this.name = options.name ?? `openai:${options.model}`;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.fetchImpl = options.fetch ?? fetch;
  }

  stream(req: ModelRequest): AsyncIterable<ModelChunk> {
    return this.run(req);
  }

  private body(req: ModelRequest): Record<string, unknown> {
    const messages: Array<Record<string, unknown>> = [];
    if (req.canvas !== null) {
      messages.push({
        role: 'system',
        content: [
          `You collaborate on the canvas '${req.canvas.canvasId}' of type '${req.canvas.canvasType}'.`,
          `Roots: ${JSON.stringify(req.canvas.roots)}. Tokens: ${JSON.stringify(req.canvas.tokens)}.`,
          `Current state: ${JSON.stringify(req.canvas.state).slice(0, 16_000)}`,
          `To change the canvas, call ${APPLY_OPS_TOOL} once with all ops; changes apply only when your turn commits.`,
        ].join('\n'),
      });
    }
    for (const m of req.messages) messages.push(wireMessage(m));
    const tools = req.tools.map((t) => functionTool(wireName(t.name), t));
    if (req.canvas !== null) {
      tools.push({
        type: 'function',
        function: {
          name: APPLY_OPS_TOOL,
          description: 'Propose canvas changes as state.ops',
          parameters: APPLY_OPS_PARAMETERS,
        },
      });
    }
    return {
      ...this.options.extraBody,
      model: this.options.model,
      stream: true,
      stream_options: { include_usage: true },
      messages,
      ...(tools.length > 0 ? { tools } : {}),
      ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    };
  }

  private async *run(req: ModelRequest): AsyncGenerator<ModelChunk> {
    const aborted: ModelChunk = { kind: 'error', code: 'aborted', message: 'the request was aborted' };
    if (req.signal.aborted) {
      yield aborted;
      return;
    }
    const names = new Map(req.tools.map((t) => [wireName(t.name), t.name]));
    const local = new AbortController();
    const onAbort = () => local.abort();
    req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      let res: Response;
      try {
        res = await this.fetchImpl(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify(this.body(req)),
          signal: local.signal,
        });
      } catch (err) {
        yield req.signal.aborted ? aborted : unavailable(`cannot reach ${this.url}: ${messageOf(err)}`);
        return;
      }
      if (!res.ok || res.body === null) {
        const text = await res.text().catch(() => '');
        yield unavailable(`${this.url} answered ${res.status}: ${text.slice(0, 300)}`);
        return;
      }
      const calls = new Map<number, PartialCall>();
      const reader = readSseData(res.body, local.signal, this.options.idleTimeoutMs ?? 60_000);
      for await (const data of reader) {
        if (data.kind === 'error') {
          yield req.signal.aborted ? aborted : { kind: 'error', code: 'unavailable', message: data.message };
          return;
        }
        if (data.text === '[DONE]') break;
        let chunk: StreamChunk;
        try {
          chunk = JSON.parse(data.text) as StreamChunk;
        } catch {
          yield { kind: 'error', code: 'bad_response', message: `not JSON: ${data.text.slice(0, 200)}` };
          return;
        }
        for (const out of this.chunkOut(chunk, calls)) yield out;
        if (chunk.usage) {
          yield {
            kind: 'usage',
            input_tokens: Number(chunk.usage.prompt_tokens ?? 0),
            output_tokens: Number(chunk.usage.completion_tokens ?? 0),
          };
        }
      }
      if (req.signal.aborted) {
        yield aborted;
        return;
      }
      for (const out of finishCalls(calls, names)) yield out;
    } finally {
      req.signal.removeEventListener('abort', onAbort);
      local.abort();
    }
  }

  private *chunkOut(chunk: StreamChunk, calls: Map<number, PartialCall>): Generator<ModelChunk> {
    const delta = chunk.choices?.[0]?.delta;
    if (!delta) return;
    const thought = delta.reasoning_content ?? delta.reasoning;
    if (typeof thought === 'string' && thought.length > 0) yield { kind: 'thought', text: thought };
    if (typeof delta.content === 'string' && delta.content.length > 0) yield { kind: 'token', text: delta.content };
    for (const tc of delta.tool_calls ?? []) {
      const index = typeof tc.index === 'number' ? tc.index : calls.size;
      const call = calls.get(index) ?? { id: '', name: '', args: '' };
      if (typeof tc.id === 'string' && tc.id) call.id = tc.id;
      if (typeof tc.function?.name === 'string') call.name += tc.function.name;
      if (typeof tc.function?.arguments === 'string') call.args += tc.function.arguments;
      calls.set(index, call);
    }
  }
}

interface StreamChunk {
  choices?: Array<{
    delta?: {
      content?: string | null;
      reasoning_content?: string;
      reasoning?: string;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

function* finishCalls(calls: Map<number, PartialCall>, names: Map<string, string>): Generator<ModelChunk> {
  const ordered = [...calls.entries()].sort((a, b) => a[0] - b[0]);
  for (const [index, call] of ordered) {
    let input: JsonValue;
    try {
      input = call.args.trim() === '' ? {} : (JSON.parse(call.args) as JsonValue);
    } catch {
      if (call.name === APPLY_OPS_TOOL) {
        yield { kind: 'error', code: 'invalid_ops', message: `${APPLY_OPS_TOOL}: the arguments are not JSON` };
        return;
      }
      yield { kind: 'error', code: 'bad_response', message: `tool call ${call.name}: the arguments are not JSON` };
      return;
    }
    if (call.name === APPLY_OPS_TOOL) {
      const parsed = applyOpsArgsSchema.safeParse(input);
      if (!parsed.success) {
        const d = describeZodError(parsed.error);
        yield {
          kind: 'error',
          code: 'invalid_ops',
          message: `${APPLY_OPS_TOOL}: ${d.message}`,
          details: d.details as unknown as JsonValue,
        };
        return;
      }
      yield { kind: 'ops', ops: parsed.data.ops };
      continue;
    }
    yield { kind: 'tool_call', call_id: call.id || `call_${index}`, tool: names.get(call.name) ?? call.name, input };
  }
}

function wireMessage(m: ModelMessage): Record<string, unknown> {
  if (m.role === 'tool') return { role: 'tool', tool_call_id: m.tool_call_id ?? '', content: m.content };
  if (m.role === 'assistant' && m.tool_calls && m.tool_calls.length > 0) {
    return {
      role: 'assistant',
      content: m.content || null,
      tool_calls: m.tool_calls.map((c) => ({
        id: c.call_id,
        type: 'function',
        function: { name: wireName(c.tool), arguments: JSON.stringify(c.input) },
      })),
    };
  }
  return { role: m.role, content: m.content };
}

function functionTool(name: string, t: ModelTool): { type: 'function'; function: Record<string, unknown> } {
  return {
    type: 'function',
    function: {
      name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      parameters: t.input_schema ?? { type: 'object' },
    },
  };
}

function unavailable(message: string): ModelChunk {
  return { kind: 'error', code: 'unavailable', message };
}

function messageOf(err: unknown): string {
  return err instanceof Error
    ? err.cause instanceof Error
      ? `${err.message} (${err.cause.message})`
      : err.message
    : String(err);
}
