import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelChunk, ModelContext, ModelRequest } from './ModelAdapter.ts';
import { APPLY_OPS_TOOL, OpenAiChatModel } from './OpenAiChatModel.ts';
import { type OpenAiCompatibleServer, startOpenAiCompatibleServer } from './testing/openAiCompatibleServer.ts';

const BOARD: ModelContext = {
  canvasId: 'c1',
  canvasType: 'board',
  roots: { notes: 'map', layout: 'map' },
  state: { notes: {}, layout: {} },
  tokens: {},
};

let server: OpenAiCompatibleServer;
beforeEach(async () => {
  server = await startOpenAiCompatibleServer({ apiKey: 'sk-test' });
});
afterEach(async () => {
  await server.close();
});

function model(extra: Partial<ConstructorParameters<typeof OpenAiChatModel>[0]> = {}) {
  return new OpenAiChatModel({ baseUrl: server.url, model: 'test-model', apiKey: 'sk-test', ...extra });
}

function req(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [{ role: 'user', content: text }],
    canvas: BOARD,
    tools: [],
    signal: new AbortController().signal,
    ...extra,
  };
}

async function collect(iterable: AsyncIterable<ModelChunk>): Promise<ModelChunk[]> {
  const out: ModelChunk[] = [];
  for await (const c of iterable) out.push(c);
  return out;
}

describe('OpenAiChatModel against a local OpenAI-compatible server', () => {
  it('[ISSUE 6] streams content deltas as tokens, reasoning as thoughts, usage; sends model, stream, tools and the canvas', async () => {
    server.setResponder(() => ({
      steps: [
        { reasoning: 'thinking' },
        { content: 'Hel' },
        { content: 'lo' },
        { usage: { prompt_tokens: 12, completion_tokens: 2 } },
      ],
    }));
    const chunks = await collect(model().stream(req('hi', { maxTokens: 50 })));
    expect(chunks).toEqual([
      { kind: 'thought', text: 'thinking' },
      { kind: 'token', text: 'Hel' },
      { kind: 'token', text: 'lo' },
      { kind: 'usage', input_tokens: 12, output_tokens: 2 },
    ]);
    const body = server.requests[0]!;
    expect(body).toMatchObject({ model: 'test-model', stream: true, max_tokens: 50 });
    expect(body.messages?.[0]).toMatchObject({ role: 'system' });
    expect(body.messages?.[0]?.content).toContain("canvas 'c1' of type 'board'");
    expect(body.messages?.at(-1)).toEqual({ role: 'user', content: 'hi' });
    expect(body.tools?.map((t) => t.function.name)).toEqual([APPLY_OPS_TOOL]);
  });

  it('[ISSUE 6] an apply_ops tool call (arguments split over chunks) becomes ops; invalid ops are an invalid_ops error with the path', async () => {
    const ops = [{ op: 'insert', root: 'notes', key: 'n1', value: { id: 'n1', text: 'hi', column: 'todo' } }];
    server.setResponder(() => ({
      steps: [{ content: 'Adding.' }, { toolCall: { name: APPLY_OPS_TOOL, arguments: { ops }, chunks: 5 } }],
    }));
    const chunks = await collect(model().stream(req('add a note')));
    expect(chunks).toEqual([
      { kind: 'token', text: 'Adding.' },
      { kind: 'ops', ops },
    ]);
    server.setResponder(() => ({
      steps: [
        {
          toolCall: {
            name: APPLY_OPS_TOOL,
            arguments: { ops: [{ op: 'insert', root: 'notes', key: 'a', index: 1, value: 1 }] },
          },
        },
      ],
    }));
    const bad = await collect(model().stream(req('add a note')));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ kind: 'error', code: 'invalid_ops' });
    expect(bad[0]?.kind === 'error' && bad[0].message).toContain('ops[0].index');
  });

  it('[ISSUE 6] runs: tools are offered under wire-safe names, calls come back as tool_call chunks, tool results travel as tool messages', async () => {
    server.setResponder((_body, index) =>
      index === 0
        ? {
            steps: [
              { toolCall: { id: 'c-1', name: 'text__count', arguments: { text: 'a b' } } },
              { toolCall: { id: 'c-2', name: 'image__blur', arguments: '{"radius":2}' } },
            ],
          }
        : { steps: [{ content: 'done' }] },
    );
    const tools = [
      { name: 'text.count', description: 'counts', input_schema: { type: 'object' } },
      { name: 'image.blur', input_schema: { type: 'object' } },
    ];
    const first = await collect(model().stream(req('go', { canvas: null, tools })));
    expect(first).toEqual([
      { kind: 'tool_call', call_id: 'c-1', tool: 'text.count', input: { text: 'a b' } },
      { kind: 'tool_call', call_id: 'c-2', tool: 'image.blur', input: { radius: 2 } },
    ]);
    expect(server.requests[0]?.tools?.map((t) => t.function.name)).toEqual(['text__count', 'image__blur']);
    const second = await collect(
      model().stream({
        ...req('go', { canvas: null, tools }),
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ call_id: 'c-1', tool: 'text.count', input: { text: 'a b' } }],
          },
          { role: 'tool', tool_call_id: 'c-1', content: '{"words":2}' },
        ],
      }),
    );
    expect(second).toEqual([{ kind: 'token', text: 'done' }]);
    expect(server.requests[1]?.messages?.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c-1', type: 'function', function: { name: 'text__count', arguments: '{"text":"a b"}' } }],
      },
      { role: 'tool', tool_call_id: 'c-1', content: '{"words":2}' },
    ]);
  });

  it('[ISSUE 6] failures end the stream with an error chunk, never a throw: HTTP errors, a wrong key, bad JSON, an unreachable server', async () => {
    server.setResponder(() => ({ status: 500, error: 'overloaded' }));
    const http = await collect(model().stream(req('x')));
    expect(http).toEqual([{ kind: 'error', code: 'unavailable', message: expect.stringContaining('answered 500') }]);
    const key = await collect(model({ apiKey: 'wrong' }).stream(req('x')));
    expect(key[0]).toMatchObject({ kind: 'error', code: 'unavailable', message: expect.stringContaining('401') });
    server.setResponder(() => ({ steps: [{ raw: 'data: {not json\n\n' }] }));
    const junk = await collect(model().stream(req('x')));
    expect(junk).toEqual([{ kind: 'error', code: 'bad_response', message: expect.stringContaining('not JSON') }]);
    const down = await collect(new OpenAiChatModel({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm' }).stream(req('x')));
    expect(down[0]).toMatchObject({ kind: 'error', code: 'unavailable' });
  });

  it('[ISSUE 6] an abort mid-stream ends the stream at once and closes the HTTP request (the server sees the client go)', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    server.setResponder(() => ({ steps: [{ content: 'first ' }, { wait: held }, { content: 'never' }] }));
    const controller = new AbortController();
    const chunks: ModelChunk[] = [];
    for await (const c of model().stream(req('x', { signal: controller.signal }))) {
      chunks.push(c);
      if (c.kind === 'token') controller.abort();
    }
    expect(chunks).toEqual([
      { kind: 'token', text: 'first ' },
      { kind: 'error', code: 'aborted', message: 'the request was aborted' },
    ]);
    // The server notices the client going while its script is still held.
    for (let i = 0; i < 200 && server.closedEarly === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.closedEarly).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(server.completed).toBe(0);
  });
});
