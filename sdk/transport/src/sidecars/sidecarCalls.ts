import type { Scope, SidecarResolveResponse } from '@easel/schemas';
import type { Result } from '../lib/Result.ts';
import type { Deps, DepsOptions } from '../lib/deps.ts';
import type { readHttpError } from '../lib/httpError.ts';
import type { resolveToken } from '../lib/token.ts';
import type { answerParser } from '../lib/validation.ts';
import type { scopeQuery } from '../scopeQuery.ts';
import type { SidecarClientOptions, SidecarError, SidecarRef, UploadSidecarOptions } from './SidecarClient.ts';
import type { SidecarData, sha256Hex, sidecarBytes } from './sha256Hex.ts';

/** What the sidecar calls use from the rest of the transport. */
export interface SidecarKit {
  readonly resolveDeps: (options: DepsOptions) => Deps;
  readonly readHttpError: typeof readHttpError;
  readonly resolveToken: typeof resolveToken;
  readonly answerParser: typeof answerParser;
  readonly scopeQuery: typeof scopeQuery;
  readonly sha256Hex: typeof sha256Hex;
  readonly sidecarBytes: typeof sidecarBytes;
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const err = (error: SidecarError) => ({ ok: false as const, error });

/**
 * What {@link SidecarClient} does, loaded on its first call. Everything it uses from the rest of the
 * transport comes in through `kit`, so that bundlers keep this module a leaf chunk.
 */
export class SidecarCalls {
  readonly #options: SidecarClientOptions;
  readonly #kit: SidecarKit;
  readonly #deps: Deps;
  readonly #baseUrl: string;

  constructor(options: SidecarClientOptions, kit: SidecarKit) {
    this.#options = options;
    this.#kit = kit;
    this.#deps = kit.resolveDeps(options);
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
      bytes = await this.#kit.sidecarBytes(data);
      sha256 = await this.#kit.sha256Hex(bytes);
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
    const validate = this.#deps.validate;
    const upload = (await this.#kit.answerParser(validate, 'sidecarCreateResponse')).safeParse(created.value);
    if (!upload.success) return protocol('POST /v1/sidecars answered an unexpected shape');
    const put = await this.#put(upload.data.upload.url, upload.data.upload.headers, bytes, options.signal);
    if (!put.ok) return put;
    const id = encodeURIComponent(upload.data.artifact_id);
    const done = await this.#json('POST', `/v1/sidecars/${id}/complete`, options.signal, { scope });
    if (!done.ok) return done;
    const payload = (await this.#kit.answerParser(validate, 'snapshotCreatedPayload')).safeParse(done.value);
    const cursor = (done.value as { cursor?: unknown } | null)?.cursor;
    if (!payload.success || typeof cursor !== 'string') return protocol('complete answered an unexpected shape');
    return ok({ ...payload.data, cursor });
  }

  /** A presigned GET URL of a completed sidecar; `forbidden` when the lens does not allow `resolve`. */
  async resolveSidecar(
    artifactId: string,
    options: { canvasId?: string; signal?: AbortSignal } = {},
  ): Promise<Result<SidecarResolveResponse, SidecarError>> {
    const query = this.#kit.scopeQuery(this.#scope(options.canvasId));
    const canvas = options.canvasId ?? this.#options.scope.canvas_id;
    const path = `/v1/sidecars/${encodeURIComponent(artifactId)}?${query}${canvas ? `&canvas_id=${encodeURIComponent(canvas)}` : ''}`;
    const got = await this.#json('GET', path, options.signal);
    if (!got.ok) return got;
    const parsed = (await this.#kit.answerParser(this.#deps.validate, 'sidecarResolveResponse')).safeParse(got.value);
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
    const token = await this.#kit.resolveToken(this.#options.token);
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
      const info = await this.#kit.readHttpError(res, this.#deps.now(), this.#deps.validate);
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
      // Read to the end (S3 answers a PUT with an empty or tiny body): cancelling the body instead
      // made Chromium report the finished upload as failed (`net::ERR_ABORTED`).
      await res.arrayBuffer().catch(() => undefined);
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
