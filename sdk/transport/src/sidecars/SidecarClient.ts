import type { ErrorCode, FrameRange, Scope, SidecarResolveResponse, SnapshotCreatedPayload } from '@easel/schemas';
import type { Result } from '../lib/Result.ts';
import { type DepsOptions, resolveDeps } from '../lib/deps.ts';
import { readHttpError } from '../lib/httpError.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { answerParser } from '../lib/validation.ts';
import { scopeQuery } from '../scopeQuery.ts';
import type { SidecarCalls, SidecarKit } from './sidecarCalls.ts';
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

const KIT: SidecarKit = {
  resolveDeps,
  readHttpError,
  resolveToken,
  answerParser,
  scopeQuery,
  sha256Hex,
  sidecarBytes,
};

/**
 * Sidecars (contract §8) from browsers and Node: `uploadSidecar` hashes the bytes (SHA-256 with
 * WebCrypto), asks the gateway for a presigned PUT bound to size, type and hash, PUTs the bytes
 * straight to S3, and completes (the gateway verifies and emits `snapshot_created`);
 * `resolveSidecar` asks for a short-lived presigned GET (only when the lens allows `resolve`).
 * Never rejects: every answer is a `Result`. The work is loaded with the first call (a separate
 * chunk in browser bundles).
 */
export class SidecarClient {
  readonly #options: SidecarClientOptions;
  #calls: Promise<SidecarCalls> | null = null;

  constructor(options: SidecarClientOptions) {
    this.#options = options;
  }

  /** Uploads `data` and resolves with the sidecar ref once the gateway verified it. */
  async uploadSidecar(
    data: SidecarData,
    options: UploadSidecarOptions = {},
  ): Promise<Result<SidecarRef, SidecarError>> {
    return (await this.#load()).uploadSidecar(data, options);
  }

  /** A presigned GET URL of a completed sidecar; `forbidden` when the lens does not allow `resolve`. */
  async resolveSidecar(
    artifactId: string,
    options: { canvasId?: string; signal?: AbortSignal } = {},
  ): Promise<Result<SidecarResolveResponse, SidecarError>> {
    return (await this.#load()).resolveSidecar(artifactId, options);
  }

  #load(): Promise<SidecarCalls> {
    this.#calls ??= import('./sidecarCalls.ts').then((m) => new m.SidecarCalls(this.#options, KIT));
    return this.#calls;
  }
}
