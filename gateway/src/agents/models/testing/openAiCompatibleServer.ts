import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request body of `POST /v1/chat/completions` as the server records it. */
export interface ChatCompletionRequest {
  model?: string;
  stream?: boolean;
  messages?: Array<{ role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  max_tokens?: number;
  [key: string]: unknown;
}

/** One step of a scripted streamed reply. */
export type ScriptStep =
  | { content: string }
  | { reasoning: string }
  /** A tool call; `arguments` objects are JSON-encoded; sent in `chunks` pieces (default 2). */
  | { toolCall: { id?: string; name: string; arguments: string | object; chunks?: number } }
  /** Holds the stream until the promise settles (a latch). */
  | { wait: Promise<unknown> | (() => Promise<unknown>) }
  | { delayMs: number }
  | { usage: { prompt_tokens: number; completion_tokens: number } }
  /** Raw text written to the stream as is (malformed streams). */
  | { raw: string };

/** A reply: an HTTP error (`status` ≥ 400 with `error`), or a streamed script. */
export interface ScriptedReply {
  status?: number;
  error?: string;
  steps?: ScriptStep[];
  /** `finish_reason` of the last chunk. Default `stop` (`tool_calls` when the script calls tools). */
  finishReason?: string;
  /** Skip the final `data: [DONE]`. */
  omitDone?: boolean;
}

/** Decides the reply to the `index`-th request (0-based). */
export type Responder = (body: ChatCompletionRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

/** Options of {@link startOpenAiCompatibleServer}. */
export interface OpenAiCompatibleServerOptions {
  /** Default: {@link echoResponder}. */
  respond?: Responder;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
}

/** A running server. */
export interface OpenAiCompatibleServer {
  /** Base URL including `/v1`, as `OpenAiChatModel.baseUrl` / `--model-url` take it. */
  readonly url: string;
  /** Every chat-completions request body received, in order. */
  readonly requests: ChatCompletionRequest[];
  /** Streams whose client went away before the script ended (a cancelled turn), counted when noticed. */
  readonly closedEarly: number;
  /** Streams that ran to their end. */
  readonly completed: number;
  setResponder(respond: Responder): void;
  close(): Promise<void>;
}

/** Replies "You said: <last user message>." word by word, with usage. */
export const echoResponder: Responder = (body) => {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const words = `You said: ${last?.content ?? ''}.`.match(/\S+\s*/g) ?? [];
  return {
    steps: [...words.map((w) => ({ content: w })), { usage: { prompt_tokens: 10, completion_tokens: words.length } }],
  };
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function chunkJson(delta: object, finishReason: string | null = null, usage?: object): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'test',
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  })}\n\n`;
}

/**
 * A small real HTTP server speaking the OpenAI chat-completions streaming protocol, scripted by
 * the test (`respond`): `POST /v1/chat/completions` (SSE `data:` chunks, `[DONE]`), `GET /v1/models`.
 * Binds 127.0.0.1 on a free port.
 */
export async function startOpenAiCompatibleServer(
  options: OpenAiCompatibleServerOptions = {},
): Promise<OpenAiCompatibleServer> {
  let respond = options.respond ?? echoResponder;
  const requests: ChatCompletionRequest[] = [];
  const counts = { closedEarly: 0, completed: 0 };

  const stream = async (res: ServerResponse, reply: ScriptedReply): Promise<void> => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let gone = false;
    res.on('close', () => {
      if (res.writableFinished) return;
      gone = true;
      counts.closedEarly += 1;
    });
    const write = (text: string) => {
      if (!gone && !res.destroyed) res.write(text);
    };
    let toolIndex = 0;
    let calledTools = false;
    for (const step of reply.steps ?? []) {
      if (gone || res.destroyed) break;
      if ('content' in step) write(chunkJson({ role: 'assistant', content: step.content }));
      else if ('reasoning' in step) write(chunkJson({ reasoning_content: step.reasoning }));
      else if ('toolCall' in step) {
        calledTools = true;
        const call = step.toolCall;
        const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
        const pieces = Math.max(1, call.chunks ?? 2);
        const size = Math.ceil(args.length / pieces) || 1;
        const index = toolIndex++;
        for (let i = 0; i < Math.max(1, Math.ceil(args.length / size)); i++) {
          const first = i === 0;
          write(
            chunkJson({
              tool_calls: [
                {
                  index,
                  ...(first ? { id: call.id ?? `call_${index}`, type: 'function' } : {}),
                  function: { ...(first ? { name: call.name } : {}), arguments: args.slice(i * size, (i + 1) * size) },
                },
              ],
            }),
          );
        }
      } else if ('wait' in step) await (typeof step.wait === 'function' ? step.wait() : step.wait).catch(() => {});
      else if ('delayMs' in step) await new Promise((r) => setTimeout(r, step.delayMs));
      else if ('usage' in step) write(chunkJson({}, null, step.usage));
      else if ('raw' in step) write(step.raw);
    }
    if (gone || res.destroyed) return;
    write(chunkJson({}, reply.finishReason ?? (calledTools ? 'tool_calls' : 'stop')));
    if (!reply.omitDone) write('data: [DONE]\n\n');
    counts.completed += 1;
    res.end();
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '').split('?')[0];
        if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'invalid api key', type: 'invalid_request_error' } }));
          return;
        }
        if (req.method === 'GET' && path === '/v1/models') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'list', data: [{ id: 'test-model', object: 'model' }] }));
          return;
        }
        if (req.method !== 'POST' || path !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'not found' } }));
          return;
        }
        let body: ChatCompletionRequest;
        try {
          body = JSON.parse(await readBody(req)) as ChatCompletionRequest;
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'body is not JSON' } }));
          return;
        }
        const index = requests.length;
        requests.push(body);
        const reply = await respond(body, index);
        if (reply.status !== undefined && reply.status >= 400) {
          res.writeHead(reply.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: reply.error ?? 'error' } }));
          return;
        }
        await stream(res, reply);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get closedEarly() {
      return counts.closedEarly;
    },
    get completed() {
      return counts.completed;
    },
    setResponder(r) {
      respond = r;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
