import {
  type ErrorCode,
  type FrameRange,
  type Scope,
  type SidecarResolveResponse,
  type SnapshotCreatedPayload,
  sidecarCreateResponseSchema,
  sidecarResolveResponseSchema,
  snapshotCreatedPayloadSchema,
} from '@easel/schemas';
import { type Result, err, ok } from '../lib/Result.ts';
import { type Deps, type DepsOptions, resolveDeps } from '../lib/deps.ts';
import { readHttpError } from '../lib/httpError.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { scopeQuery } from '../scopeQuery.ts';
import { type SidecarData, sha256Hex, sidecarBytes } from './sha256Hex.ts';

/**
 * Why a sidecar call did not succeed: a contract §3 code from the gateway (`forbidden` when the
 * lens refuses, `not_found`, `conflict` with `details.reason` when the stored object does not
 * match, …), or one of the client's own:
 * - `upload_refused`: S3 refused the presigned PUT (`status` and the store's `message`);
 * - `network`: no answer (gateway or store);
 * - `protocol`: an answer that is not the contract's shape;
 * - `invalid_input`: nothing was sent (no content type, empty data, no WebCrypto).
 */
export type SidecarErrorCode = ErrorCode | 'upload_refused' | 'network' | 'protocol' | 'invalid_input';

export interface SidecarError {
  readonly code: SidecarErrorCode;
  readonly message: string;
  /** HTTP status when the gateway or the store answered. */
  readonly status?: number;
  readonly details?: unknown;
  readonly requestId?: string;
}

/** A completed upload: the `snapshot_created` payload (refs only) and its event's cursor. */
export type SidecarRef = SnapshotCreatedPayload & { readonly cursor: string };

export interface SidecarClientOptions extends DepsOptions {
  /** Gateway origin, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** Bearer token, or a function returning one (called before every request). */
  token: TokenSource;
  /** The scope uploads and resolves belong to (`canvas_id` optional: per call via `canvasId`). */
  scope: Scope;
  /** Abort one HTTP request after this long (default 120 000 ms; uploads can be large). */
  requestTimeoutMs?: number;
}

export interface UploadSidecarOptions {
  /** MIME type of the bytes (`image/png`); default the Blob's own `type`. */
  contentType?: string;
  /** The canvas the sidecar belongs to (default the client scope's `canvas_id`, if any). */
  canvasId?: string;
  /** Frames of a video or sequence this sidecar covers. */
  frameRange?: FrameRange;
  signal?: AbortSignal;
}

/**
 * Sidecars (contract §8) from browsers and Node: `uploadSidecar` hashes the bytes (SHA-256 with
 * WebCrypto), asks the gateway for a presigned PUT bound to size, type and hash, PUTs the bytes
 * straight to S3, and completes (the gateway verifies and emits `snapshot_created`);
 * `resolveSidecar` asks for a short-lived presigned GET (only when the lens allows `resolve`).
 * Never rejects: every answer is a `Result`.
 */
export class SidecarClient {
  readonly #options: SidecarClientOptions;
  readonly #deps: Deps;
  readonly #baseUrl: string;

  constructor(options: SidecarClientOptions) {
    this.#options = options;
    this.#deps = resolveDeps(options);
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Uploads `data` and resolves with the sidecar ref once the gateway verified it. */
  async uploadSidecar(
    data: SidecarData,
    options: UploadSidecarOptions = {},
  ): Promise<Result<SidecarRef, SidecarError>> {
    const mime = options.contentType ?? (data instanceof Blob ? data.type : '');
    if (!mime) return invalid('a content type is required: pass {contentType} (e.g. image/png)');
    let bytes: Uint8Array;
    let sha256: string;
    try {
      bytes = await sidecarBytes(data);
      sha256 = await sha256Hex(bytes);
    } catch (error) {
      return invalid(error instanceof Error ? error.message : String(error));
    }
    if (bytes.length === 0) return invalid('a sidecar needs at least one byte');
    const scope = this.#scope(options.canvasId);
    const created = await this.#json('POST', '/v1/sidecars', options.signal, {
      scope,
      mime,
      size: bytes.length,
      sha256,
      ...(options.frameRange ? { frame_range: options.frameRange } : {}),
    });
    if (!created.ok) return created;
    const upload = sidecarCreateResponseSchema.safeParse(created.value);
    if (!upload.success) return protocol('POST /v1/sidecars answered an unexpected shape');
    const put = await this.#put(upload.data.upload.url, upload.data.upload.headers, bytes, options.signal);
    if (!put.ok) return put;
    const id = encodeURIComponent(upload.data.artifact_id);
    const done = await this.#json('POST', `/v1/sidecars/${id}/complete`, options.signal, { scope });
    if (!done.ok) return done;
    const payload = snapshotCreatedPayloadSchema.safeParse(done.value);
    const cursor = (done.value as { cursor?: unknown } | null)?.cursor;
    if (!payload.success || typeof cursor !== 'string') return protocol('complete answered an unexpected shape');
    return ok({ ...payload.data, cursor });
  }

  /** A presigned GET URL of a completed sidecar; `forbidden` when the lens does not allow `resolve`. */
  async resolveSidecar(
    artifactId: string,
    options: { canvasId?: string; signal?: AbortSignal } = {},
  ): Promise<Result<SidecarResolveResponse, SidecarError>> {
    const query = scopeQuery(this.#scope(options.canvasId));
    const canvas = options.canvasId ?? this.#options.scope.canvas_id;
    const path = `/v1/sidecars/${encodeURIComponent(artifactId)}?${query}${canvas ? `&canvas_id=${encodeURIComponent(canvas)}` : ''}`;
    const got = await this.#json('GET', path, options.signal);
    if (!got.ok) return got;
    const parsed = sidecarResolveResponseSchema.safeParse(got.value);
    return parsed.success ? ok(parsed.data) : protocol('GET /v1/sidecars answered an unexpected shape');
  }

  #scope(canvasId: string | undefined): Scope {
    const { canvas_id: own, ...rest } = this.#options.scope;
    const canvas = canvasId ?? own;
    return canvas === undefined ? rest : { ...rest, canvas_id: canvas };
  }

  /** One gateway request with the bearer token; the JSON answer or a coded error. */
  async #json(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal | undefined,
    body?: unknown,
  ): Promise<Result<unknown, SidecarError>> {
    const token = await resolveToken(this.#options.token);
    if (!token.ok) return err({ code: 'unauthenticated', message: token.message });
    const headers: Record<string, string> = { authorization: `Bearer ${token.value}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(
      `${this.#baseUrl}${path}`,
      {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      signal,
    );
    if (!response.ok) return response;
    const res = response.value;
    if (!res.ok) {
      const info = await readHttpError(res, this.#deps.now());
      return err({
        code: info.code,
        message: info.message,
        status: info.status,
        ...(info.details !== undefined ? { details: info.details } : {}),
        ...(info.requestId !== undefined ? { requestId: info.requestId } : {}),
      });
    }
    try {
      return ok(await res.json());
    } catch {
      return protocol(`${method} ${path.split('?')[0]} answered a body that is not JSON`);
    }
  }

  /** The presigned PUT: the given headers as is (fetch sets Content-Length from the body). */
  async #put(
    url: string,
    given: Readonly<Record<string, string>>,
    bytes: Uint8Array,
    signal: AbortSignal | undefined,
  ): Promise<Result<void, SidecarError>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(given))
      if (name.toLowerCase() !== 'content-length') headers[name] = value;
    const response = await this.#fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) }, signal);
    if (!response.ok) return response;
    const res = response.value;
    if (res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return ok(undefined);
    }
    let text = '';
    try {
      text = (await res.text()).slice(0, 2000);
    } catch {
      // the status alone has to do
    }
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
    return err({
      code: 'upload_refused',
      status: res.status,
      message: `the store refused the upload (HTTP ${res.status}${code ? ` ${code}` : ''})`,
      ...(code ? { details: { store_code: code } } : {}),
    });
  }

  async #fetch(
    url: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
  ): Promise<Result<Response, SidecarError>> {
    const timeout = AbortSignal.timeout(this.#options.requestTimeoutMs ?? 120_000);
    try {
      return ok(
        await this.#deps.fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout }),
      );
    } catch (error) {
      return err({
        code: 'network',
        message: `${init.method} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}

function invalid(message: string): { readonly ok: false; readonly error: SidecarError } {
  return err({ code: 'invalid_input', message });
}

function protocol(message: string): { readonly ok: false; readonly error: SidecarError } {
  return err({ code: 'protocol', message });
}
