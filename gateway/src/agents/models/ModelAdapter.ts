import type { JsonValue, StateOp } from '@easel/schemas';

/**
 * The model seam of issue 6 (docs/internal/AGENTS-NOTES.md). Turns (`agents/turns`) and runs
 * (`agents/runs`) talk to every model through {@link ModelAdapter}; `LocalModel` (no network,
 * deterministic) and `OpenAiChatModel` (OpenAI-compatible chat completions) implement it.
 */

/** What the model sees about the canvas. */
export interface ModelContext {
  canvasId: string;
  canvasType: string;
  /** Root names of the canvas type and their Yjs kinds. */
  roots: Record<string, 'map' | 'array' | 'text' | 'xml'>;
  /** Lens-filtered JSON of the roots (the `GET /v1/canvases/{id}` `state` shape). */
  state: Record<string, JsonValue>;
  /** Lens-filtered token values. */
  tokens: Record<string, JsonValue>;
}

/** A tool the model may call (runs: the TaskSpec's tools; turns: none). */
export interface ModelTool {
  name: string;
  description?: string;
  /** JSON Schema of the tool's input. */
  input_schema?: JsonValue;
}

/** A tool call as the model made it (kept on the assistant message that made it). */
export interface ModelToolCall {
  call_id: string;
  tool: string;
  input: JsonValue;
}

/**
 * One message of the conversation. Extension to the notes: an `assistant` message may carry the
 * `tool_calls` it made, so that a `tool` message (`tool_call_id`, `content` = the result as text,
 * JSON for structured results) can answer it in the next request (OpenAI protocol shape).
 */
export interface ModelMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_call_id?: string;
  tool_calls?: readonly ModelToolCall[];
}

/** One completion request. */
export interface ModelRequest {
  messages: ReadonlyArray<ModelMessage>;
  canvas: ModelContext | null;
  tools: readonly ModelTool[];
  /**
   * Extension (runs): the TaskSpec's `inputs`. `LocalModel` takes tool inputs from here (see its
   * TSDoc); network adapters ignore it (the caller states the inputs in a message as well).
   */
  inputs?: Readonly<Record<string, JsonValue>>;
  /** Upper bound on output tokens; adapters stop (and report `usage`) when reached. */
  maxTokens?: number;
  /** Aborted on cancel / budget: the stream must end promptly (no more chunks after it). */
  signal: AbortSignal;
}

/** Why a stream failed. `aborted`: the signal fired; the others are the model's or transport's. */
export const MODEL_ERROR_CODES = ['aborted', 'unavailable', 'bad_response', 'invalid_ops'] as const;
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

/**
 * A piece of a streamed completion.
 * - `token`: visible text delta; `thought`: reasoning note (runs show it as `thought`);
 * - `tool_call`: the model calls a tool; the caller runs it and sends a `tool` message next;
 * - `ops`: a proposed canvas change (`state.ops` shape), applied only by the caller's commit;
 * - `usage`: token counts of this completion (at most one, near the end);
 * - `error` (extension): the stream failed and ends with this chunk; `details` may carry a path
 *   (e.g. invalid `apply_ops` arguments).
 */
export type ModelChunk =
  | { kind: 'token'; text: string }
  | { kind: 'thought'; text: string }
  | { kind: 'tool_call'; call_id: string; tool: string; input: JsonValue }
  | { kind: 'ops'; ops: StateOp[] }
  | { kind: 'usage'; input_tokens: number; output_tokens: number }
  | { kind: 'error'; code: ModelErrorCode; message: string; details?: JsonValue };

/** A model. */
export interface ModelAdapter {
  readonly name: string;
  /**
   * Streams one completion. Never throws (neither the call nor the iteration): failures end the
   * stream with an `error` chunk. After `req.signal` aborts, the stream ends promptly (it may end
   * with `{kind: 'error', code: 'aborted'}` or just stop).
   */
  stream(req: ModelRequest): AsyncIterable<ModelChunk>;
  /** Optional warm-up (load weights, open a connection); `ModelPool` calls it once. Never throws. */
  warm?(): Promise<void>;
  /** Optional: releases what the adapter holds. */
  close?(): Promise<void>;
}
