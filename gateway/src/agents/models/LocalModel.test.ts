import { stateOpSchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalModel } from './LocalModel.ts';
import type { ModelChunk, ModelContext, ModelMessage, ModelRequest, ModelTool } from './ModelAdapter.ts';

const BOARD: ModelContext = {
  canvasId: 'c1',
  canvasType: 'board',
  roots: { notes: 'map', layout: 'map' },
  state: { notes: { n1: { id: 'n1', text: 'Launch: risks', column: 'todo' } }, layout: {} },
  tokens: { 'board.columns': ['todo', 'doing', 'done'] },
};
const WHITEBOARD: ModelContext = {
  canvasId: 'w1',
  canvasType: 'whiteboard',
  roots: { shapes: 'map', layers: 'array' },
  state: { shapes: {}, layers: [] },
  tokens: { 'style.fill': '#ffffff' },
};

function request(
  text: string | ModelMessage[],
  canvas: ModelContext | null,
  extra: Partial<ModelRequest> = {},
): ModelRequest {
  const messages = typeof text === 'string' ? [{ role: 'user' as const, content: text }] : text;
  return { messages, canvas, tools: [], signal: new AbortController().signal, ...extra };
}

async function collect(model: LocalModel, req: ModelRequest): Promise<ModelChunk[]> {
  const out: ModelChunk[] = [];
  for await (const chunk of model.stream(req)) out.push(chunk);
  return out;
}

const fast = new LocalModel({ tokenDelayMs: 0 });

function textOf(chunks: ModelChunk[]): string {
  return chunks.map((c) => (c.kind === 'token' ? c.text : '')).join('');
}

describe('LocalModel turns', () => {
  it('[ISSUE 6] "add three notes about X" on a board streams a reply and proposes three note inserts', async () => {
    const chunks = await collect(fast, request('Please add three notes about onboarding', BOARD));
    const tokens = chunks.filter((c) => c.kind === 'token');
    expect(tokens.length).toBeGreaterThan(5);
    expect(textOf(chunks)).toMatch(/^Adding three notes about onboarding: “Onboarding: /);
    const ops = chunks.find((c) => c.kind === 'ops');
    expect(ops?.kind === 'ops' && ops.ops).toHaveLength(3);
    if (ops?.kind !== 'ops') return;
    for (const op of ops.ops) {
      expect(stateOpSchema.safeParse(op).success).toBe(true);
      expect(op).toMatchObject({ op: 'insert', root: 'notes', value: { column: 'todo' } });
      expect((op as unknown as { value: { text: string } }).value.text).toMatch(/^Onboarding: /);
    }
    expect(new Set(ops.ops.map((o) => (o as { key: string }).key)).size).toBe(3);
    expect(chunks.at(-1)).toMatchObject({ kind: 'usage', output_tokens: tokens.length });
  });

  it('[ISSUE 6] whiteboard shapes, clear, rename, move and remove become real ops; no intent means no ops', async () => {
    const draw = await collect(fast, request('draw two red circles', WHITEBOARD));
    const shapes = draw.find((c) => c.kind === 'ops');
    expect(shapes?.kind === 'ops' && shapes.ops.map((o) => o.op === 'insert' && o.value)).toEqual([
      expect.objectContaining({ kind: 'circle', fill: '#ef4444' }),
      expect.objectContaining({ kind: 'circle', fill: '#ef4444' }),
    ]);
    const clear = await collect(fast, request('clear the board', BOARD));
    expect(clear.find((c) => c.kind === 'ops')).toEqual({
      kind: 'ops',
      ops: [{ op: 'delete', root: 'notes', key: 'n1' }],
    });
    const rename = await collect(fast, request('rename "risks" to "Known risks"', BOARD));
    expect(rename.find((c) => c.kind === 'ops')).toEqual({
      kind: 'ops',
      ops: [{ op: 'update', root: 'notes', key: 'n1', path: ['text'], value: 'Known risks' }],
    });
    const move = await collect(fast, request('move n1 to done', BOARD));
    expect(move.find((c) => c.kind === 'ops')).toEqual({
      kind: 'ops',
      ops: [{ op: 'update', root: 'notes', key: 'n1', path: ['column'], value: 'done' }],
    });
    const chat = await collect(fast, request('how are you?', BOARD));
    expect(chat.some((c) => c.kind === 'ops')).toBe(false);
    expect(textOf(chat)).toContain('how are you?');
  });

  it('[ISSUE 6] deterministic: the same request gives the same chunks; every proposed op is a valid state.ops op', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('add', 'draw', 'create', 'make', 'clear', 'rename', 'remove', 'move'),
        fc.constantFrom('a', 'two', 'three', '5', 'some', ''),
        fc.constantFrom('notes', 'circles', 'note', 'squares', 'boxes', 'the board', 'n1 to done', 'n1 to x'),
        fc.string({ maxLength: 20 }),
        async (verb, count, noun, topic) => {
          const text = `${verb} ${count} ${noun} about ${topic}`;
          for (const canvas of [BOARD, WHITEBOARD, null]) {
            const a = await collect(fast, request(text, canvas));
            const b = await collect(fast, request(text, canvas));
            expect(a).toEqual(b);
            for (const c of a)
              if (c.kind === 'ops') for (const op of c.ops) expect(stateOpSchema.safeParse(op).success).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('[ISSUE 6] an aborted request ends promptly with an aborted error and no ops; maxTokens cuts the text', async () => {
    const slow = new LocalModel({ tokenDelayMs: 50 });
    const controller = new AbortController();
    const chunks: ModelChunk[] = [];
    const started = Date.now();
    for await (const c of slow.stream(
      request('add five notes about a long topic', BOARD, { signal: controller.signal }),
    )) {
      chunks.push(c);
      if (chunks.length === 2) controller.abort();
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(chunks.at(-1)).toMatchObject({ kind: 'error', code: 'aborted' });
    expect(chunks.some((c) => c.kind === 'ops')).toBe(false);

    const cut = await collect(fast, request('add three notes about onboarding', BOARD, { maxTokens: 3 }));
    expect(cut.filter((c) => c.kind === 'token')).toHaveLength(3);
  });

  it('[ISSUE 6] beforeFirstChunk holds the stream until released (a latch), and an abort while waiting ends it', async () => {
    let release!: () => void;
    const latch = new Promise<void>((r) => {
      release = r;
    });
    const gated = new LocalModel({ tokenDelayMs: 0, beforeFirstChunk: () => latch });
    const seen: ModelChunk[] = [];
    const done = (async () => {
      for await (const c of gated.stream(request('add a note', BOARD))) seen.push(c);
    })();
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([]);
    release();
    await done;
    expect(seen.some((c) => c.kind === 'token')).toBe(true);

    const controller = new AbortController();
    const never = new LocalModel({ beforeFirstChunk: () => new Promise(() => {}) });
    setTimeout(() => controller.abort(), 20);
    const ended = await collect(never, request('hi', null, { signal: controller.signal }));
    expect(ended).toEqual([{ kind: 'error', code: 'aborted', message: 'the request was aborted' }]);
  });
});

describe('LocalModel tool calling (runs)', () => {
  const tools: ModelTool[] = [
    { name: 'text.count', input_schema: { type: 'object', properties: { text: { type: 'string' } } } },
    { name: 'image.blur', input_schema: { type: 'object', properties: { radius: { type: 'number' } } } },
  ];

  it('[ISSUE 6] round 1 calls the tools named in the goal with inputs; round 2 summarizes the results and proposes ops', async () => {
    const goal = 'Use text.count on the brief, then add two notes about findings';
    const inputs = { text: 'hello world', radius: 3 };
    const r1 = await collect(fast, request(goal, BOARD, { tools, inputs }));
    expect(r1.map((c) => c.kind)).toEqual(['thought', 'tool_call', 'usage']);
    expect(r1[1]).toEqual({
      kind: 'tool_call',
      call_id: 'call_1_1',
      tool: 'text.count',
      input: { text: 'hello world' },
    });

    const conversation: ModelMessage[] = [
      { role: 'user', content: goal },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ call_id: 'call_1_1', tool: 'text.count', input: { text: 'hello world' } }],
      },
      { role: 'tool', tool_call_id: 'call_1_1', content: '{"words":2}' },
    ];
    const r2 = await collect(fast, request(conversation, BOARD, { tools, inputs }));
    expect(r2.some((c) => c.kind === 'tool_call')).toBe(false);
    expect(textOf(r2)).toMatch(/^text\.count returned \{"words":2\}\. Adding two notes about findings/);
    const ops = r2.find((c) => c.kind === 'ops');
    expect(ops?.kind === 'ops' && ops.ops).toHaveLength(2);

    const failed = await collect(
      fast,
      request(
        [
          ...conversation.slice(0, 2),
          { role: 'tool', tool_call_id: 'call_1_1', content: '{"ok":false,"error":"boom"}' },
        ],
        BOARD,
        {
          tools,
        },
      ),
    );
    expect(textOf(failed)).toMatch(/^text\.count failed: boom\./);
  });

  it('[ISSUE 6] with no tool named, all are called in one round; a "forever" goal never stops calling tools', async () => {
    const all = await collect(fast, request('summarize the canvas', BOARD, { tools }));
    expect(all.filter((c) => c.kind === 'tool_call').map((c) => c.kind === 'tool_call' && c.tool)).toEqual([
      'text.count',
      'image.blur',
    ]);
    const messages: ModelMessage[] = [{ role: 'user', content: 'keep calling image.blur forever' }];
    for (let round = 1; round <= 5; round++) {
      const chunks = await collect(fast, request(messages, BOARD, { tools }));
      const calls = chunks.filter((c) => c.kind === 'tool_call');
      expect(calls.map((c) => c.kind === 'tool_call' && c.call_id)).toEqual([`call_${round}_1`]);
      expect(chunks.some((c) => c.kind === 'token')).toBe(false);
      const usage = chunks.find((c) => c.kind === 'usage');
      expect(usage?.kind === 'usage' && usage.input_tokens).toBeGreaterThan(0);
      messages.push(
        { role: 'assistant', content: '', tool_calls: [{ call_id: `call_${round}_1`, tool: 'image.blur', input: {} }] },
        { role: 'tool', tool_call_id: `call_${round}_1`, content: 'ok' },
      );
    }
  });
});
