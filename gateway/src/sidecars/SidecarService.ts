import {
  COMMAND_TYPES,
  describeZodError,
  type FrameRange,
  MAX_SIDECAR_BYTES,
  opaqueIdSchema,
  partitionId,
  type Scope,
  type SidecarCreateRequest,
  type SidecarCreateResponse,
  type SidecarResolveResponse,
  type SnapshotCreatedPayload,
  sidecarCreateRequestSchema,
} from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, ok, type Result } from '../core/errors/GatewayError.ts';
import type { GatewayCore } from '../core/GatewayCore.ts';
import { fastUlid } from '../core/ids/fastUlid.ts';
import { DERIVED_FROM, type DerivedSources, mayReadSources } from '../core/DerivedSources.ts';
import { ADMIN_ROLE } from '../core/lens/effectivePermissions.ts';
import type { LensView } from '../core/lens/LensView.ts';
import { parseScope } from '../core/scope/parseScope.ts';
import type { ObjectStore } from './ObjectStore.ts';
import { sha256Hex } from './sha256Hex.ts';
import {
  parseSidecarRecord,
  SIDECAR_RECORD_KIND,
  type SidecarRecord,
  sidecarCompleteCommandId,
  sidecarRecordKey,
} from './SidecarRecord.ts';
import { sidecarObjectKey, sidecarUri } from './sidecarKey.ts';
import { verifyObject } from './verifyObject.ts';

/** How `complete` checks the SHA-256 of an uploaded object. */
export const SIDECAR_VERIFY_MODES = {
  /** HEAD only: the store verified the signed payload hash on PUT (RGW, AWS S3). */
  head: 'head',
  /** HEAD, then read the object back and hash it: for stores that verify nothing (s3rver, dev). */
  read: 'read',
} as const;
export type SidecarVerifyMode = keyof typeof SIDECAR_VERIFY_MODES;

/** Options of {@link SidecarService}. */
export interface SidecarServiceOptions {
  core: GatewayCore;
  store: ObjectStore;
  logger?: pino.Logger;
  /** Lifetime of presigned PUT URLs, seconds. Default 300. */
  putTtlSeconds?: number;
  /** Lifetime of presigned GET URLs, seconds. Default 300. */
  getTtlSeconds?: number;
  /** How `complete` checks the hash. Default `head`. */
  verify?: SidecarVerifyMode;
  /** `verify: 'read'` reads objects up to this size (larger ones: HEAD only). Default 64 MiB. */
  maxReadBytes?: number;
  /** Clock (ms since epoch). Default `Date.now`. */
  now?: () => number;
  /**
   * Largest sidecar `create` and `storeBytes` accept, bytes (400 `validation_failed` above it,
   * like the request schema). Default and upper bound: `MAX_SIDECAR_BYTES` (5 GiB, one S3 PUT).
   */
  maxObjectBytes?: number;
}

/** Options of {@link SidecarService.storeBytes}. */
export interface StoreBytesOptions {
  /** The frames the object covers (carried on the record and the `snapshot_created` event). */
  readonly frameRange?: FrameRange;
  /**
   * What the bytes were computed from (a job's sources): stamped on the record and, internally, on
   * the `snapshot_created` event, so only viewers that read all of it see the event or resolve it.
   */
  readonly derivedFrom?: DerivedSources;
}

/** Commands that change a canvas: a lens allowing one of them may upload sidecars. */
const MUTATING_COMMANDS = (Object.keys(COMMAND_TYPES) as Array<keyof typeof COMMAND_TYPES>).filter(
  (type) => COMMAND_TYPES[type].mutates,
);

/** `complete`'s answer: the `snapshot_created` payload plus the event's cursor. */
export type SidecarCompleteResponse = SnapshotCreatedPayload & { cursor: string };

/**
 * Sidecars (contract §8) behind the TokenLens (§6):
 * - `create`: the scope's tenant must be the caller's; the lens must let the caller change the
 *   canvas (run at least one mutating command: `token.set`, `token.delete`, `state.update`,
 *   `state.ops`, `canvas.revert`), since a sidecar is canvas content; the canvas, when named,
 *   must exist. Answers a presigned PUT bound to size, type and SHA-256, and records the
 *   sidecar `pending` (a spine record, so every node can answer the rest).
 * - `complete` (the uploader or an admin): HEAD verifies size, type and hash; a mismatch is 409
 *   `conflict` with `details.reason` and emits nothing; a match fixes the payload in the record
 *   (`completing`, a compare-and-set: one completer wins, on any node), appends the durable
 *   `snapshot_created` (refs only) under the artifact's idempotency key and marks the record
 *   `complete` (compare-and-set again). Repeating it, at once on another node too, or after a
 *   node died half-way, answers the same payload and emits nothing more.
 * - `storeBytes` (server-side, e.g. a job's image outputs): the checks of `create`, then PUT,
 *   `snapshot_created` and a `complete` record in one call.
 * - `resolve`: only when the lens allows `sidecars.resolve` (else 403, before revealing whether
 *   the artifact exists), and for a sidecar computed from canvas content (`derived_from`) only
 *   when it reads all of that content; a presigned GET of a completed sidecar.
 * Expected failures are values; store failures become 503 `unavailable`.
 */
export class SidecarService {
  private readonly core: GatewayCore;
  private readonly store: ObjectStore;
  private readonly logger: pino.Logger | undefined;
  private readonly putTtl: number;
  private readonly getTtl: number;
  private readonly verify: SidecarVerifyMode;
  private readonly maxReadBytes: number;
  private readonly now: () => number;
  /** Largest object accepted, bytes. */
  readonly maxObjectBytes: number;
  /**
   * The last complete queued per record key: completes of one artifact run one after the other
   * (whoever sends them: the uploader, a retry, an admin), so only the first emits
   * `snapshot_created` and the others find the record complete and answer the same payload.
   */
  private readonly completing = new Map<string, Promise<Result<SidecarCompleteResponse>>>();

  constructor(options: SidecarServiceOptions) {
    this.core = options.core;
    this.store = options.store;
    this.logger = options.logger;
    this.putTtl = clampTtl(options.putTtlSeconds ?? 300);
    this.getTtl = clampTtl(options.getTtlSeconds ?? 300);
    this.verify = options.verify ?? 'head';
    this.maxReadBytes = options.maxReadBytes ?? 64 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    this.maxObjectBytes = Math.max(
      1,
      Math.min(MAX_SIDECAR_BYTES, Math.floor(options.maxObjectBytes ?? MAX_SIDECAR_BYTES)),
    );
  }

  /** The bucket sidecars go to. */
  get bucket(): string {
    return this.store.bucket;
  }

  /** `POST /v1/sidecars`. */
  async create(p: Principal, body: unknown): Promise<Result<SidecarCreateResponse>> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return fail('validation_failed', 'the body must be a JSON object {scope, mime, size, sha256, frame_range?}');
    const scope = parseScope(p, (body as { scope?: unknown }).scope, { canvas: 'optional' });
    if (!scope.ok) return scope;
    const parsed = parseCreateRequest(body);
    if (!parsed.ok) return parsed;
    const request = parsed.value;
    const tooLarge = this.tooLarge(request.size);
    if (tooLarge) return tooLarge;
    return this.guard(async () => {
      const refused = await this.refusedTarget(p, scope.value);
      if (refused) return refused;
      await this.store.ensureBucket();
      const now = this.now();
      const artifactId = fastUlid(now);
      const key = sidecarObjectKey(scope.value.tenant_id, scope.value.project_id, artifactId);
      const upload = await this.store.presignPut({
        key,
        mime: request.mime,
        size: request.size,
        sha256: request.sha256,
        expiresInSeconds: this.putTtl,
      });
      const expiresAt = new Date(now + this.putTtl * 1000).toISOString();
      const record: SidecarRecord = {
        v: 1,
        artifact_id: artifactId,
        scope: scope.value,
        owner: { id: p.actorId, kind: p.kind },
        bucket: this.store.bucket,
        key,
        mime: request.mime,
        size: request.size,
        sha256: request.sha256,
        ...(request.frame_range ? { frame_range: request.frame_range } : {}),
        state: 'pending',
        created_at: new Date(now).toISOString(),
        upload_expires_at: expiresAt,
      };
      await this.putRecord(record);
      return ok({
        artifact_id: artifactId,
        upload: { url: upload.url, method: 'PUT' as const, headers: { ...upload.headers } },
        expires_at: expiresAt,
      });
    });
  }

  /** `POST /v1/sidecars/{artifact_id}/complete` with body `{scope}`. */
  async complete(p: Principal, artifactId: string, body: unknown): Promise<Result<SidecarCompleteResponse>> {
    const id = this.checkId(artifactId);
    if (!id.ok) return id;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return fail('validation_failed', 'the body must be a JSON object {scope}');
    const scope = parseScope(p, (body as { scope?: unknown }).scope, { canvas: 'optional' });
    if (!scope.ok) return scope;
    const extra = unknownCompleteFields(body);
    if (extra) return extra;
    const recordKey = sidecarRecordKey(scope.value.tenant_id, scope.value.project_id, artifactId);
    // One at a time per artifact, by any actor: a second complete waits for the first and then
    // reads the record it left (`guard` never rejects, so the chain never breaks).
    const before = this.completing.get(recordKey);
    const run = (before ?? Promise.resolve()).then(() =>
      this.guard(() => this.completeOnce(p, scope.value, artifactId, recordKey)),
    );
    this.completing.set(recordKey, run);
    void run.finally(() => {
      if (this.completing.get(recordKey) === run) this.completing.delete(recordKey);
    });
    return run;
  }

  private async completeOnce(
    p: Principal,
    scope: Scope,
    artifactId: string,
    recordKey: string,
  ): Promise<Result<SidecarCompleteResponse>> {
    // Each pass moves the record one step with a compare-and-set (pending → completing → complete)
    // or answers; a lost race re-reads what the other completer (maybe on another node) left.
    // Bounded: every lost race means the record moved forward, and it has two steps.
    for (let pass = 0; pass < 4; pass++) {
      const found = await this.findRecord(recordKey, scope, artifactId);
      if (!found.ok) return found;
      const { record: r, text } = found.value;
      if (r.owner.id !== p.actorId && !p.roles.includes(ADMIN_ROLE))
        return fail('forbidden', 'only the actor that created the sidecar (or an admin) may complete it');
      if (r.state === 'complete' && r.snapshot && r.cursor) return ok({ ...r.snapshot, cursor: r.cursor });
      const denied = this.writeDenied(await this.core.lensView(p, partitionId(r.scope)));
      if (denied) return denied;
      if (r.state === 'completing' && r.snapshot) {
        const done = await this.finishComplete(p, r, text, r.snapshot, recordKey);
        if (done !== null) return done;
        continue;
      }
      const started = await this.startComplete(r, text, artifactId, recordKey);
      if (started !== null) return started;
    }
    return fail('unavailable', `sidecar ${artifactId} is being completed by another request; retry`);
  }

  /**
   * pending → completing: verifies the object (HEAD, maybe a read-back), then fixes the payload in
   * the record with a compare-and-set. Null when that happened (or another completer moved the
   * record first): the caller re-reads. A failed check is 409 `conflict` and changes nothing.
   */
  private async startComplete(
    r: SidecarRecord,
    text: string,
    artifactId: string,
    recordKey: string,
  ): Promise<Result<never> | null> {
    const head = await this.store.head(r.key);
    const readSha =
      this.verify === 'read' && head !== null && head.size !== null && head.size <= this.maxReadBytes
        ? await this.store.sha256Of(r.key, this.maxReadBytes)
        : undefined;
    const verified = verifyObject(r, head, readSha);
    if (!verified.ok) {
      const { message, ...details } = verified.error;
      return fail('conflict', `sidecar ${artifactId}: ${message}`, { artifact_id: artifactId, ...details });
    }
    const snapshot: SnapshotCreatedPayload = {
      artifact_id: r.artifact_id,
      uri: sidecarUri(r.bucket, r.key),
      mime: r.mime,
      size: r.size,
      sha256: r.sha256,
      ...(r.frame_range ? { frame_range: r.frame_range } : {}),
      created_at: new Date(this.now()).toISOString(),
    };
    const completing: SidecarRecord = { ...r, state: 'completing', snapshot };
    await this.core.spine.putRecordIf(SIDECAR_RECORD_KIND, recordKey, JSON.stringify(completing), text);
    return null;
  }

  /**
   * completing → complete: appends `snapshot_created` with the record's payload under the
   * artifact's idempotency key (a completer that crashed after fixing the payload, or one racing
   * this one, appended it at most once: a repeat answers that event's cursor), then marks the
   * record complete with a compare-and-set. Null when another completer marked it first: the
   * caller re-reads and answers what it stored.
   */
  private async finishComplete(
    p: Principal,
    r: SidecarRecord,
    text: string,
    snapshot: SnapshotCreatedPayload,
    recordKey: string,
  ): Promise<Result<SidecarCompleteResponse> | null> {
    const appended = await this.core.appendEventsOnce(
      r.scope,
      { id: p.actorId, kind: p.kind },
      [{ type: 'snapshot_created', payload: snapshot }],
      sidecarCompleteCommandId(r.artifact_id),
    );
    if (!appended.ok) return appended;
    const cursor = appended.value.cursor;
    const complete: SidecarRecord = { ...r, state: 'complete', snapshot, cursor };
    const marked = await this.core.spine.putRecordIf(SIDECAR_RECORD_KIND, recordKey, JSON.stringify(complete), text);
    return marked ? ok({ ...snapshot, cursor }) : null;
  }

  /**
   * Stores bytes the gateway itself produced (a job's image output) as a sidecar in one call: the
   * server-side equivalent of `create` + PUT + `complete`. Same checks as `create` (tenant, a lens
   * that may change the canvas, the canvas exists when named, mime and size as the request schema
   * and {@link SidecarServiceOptions.maxObjectBytes} allow); the SHA-256 is computed here; the
   * object goes under the same key; the record is written `complete` with `p` as owner after one
   * durable `snapshot_created` (refs only), exactly as `complete` emits it. Refusals are values
   * (`forbidden`, `tenant_mismatch`, `not_found`, `validation_failed`); a store failure is 503
   * `unavailable` and emits nothing. When the event cannot be appended, the object just stored is
   * deleted again (with a warning) and the append's error is the answer.
   */
  async storeBytes(
    p: Principal,
    scope: Scope,
    bytes: Uint8Array,
    mime: string,
    options: StoreBytesOptions = {},
  ): Promise<Result<SidecarCompleteResponse>> {
    const parsedScope = parseScope(p, scope, { canvas: 'optional' });
    if (!parsedScope.ok) return parsedScope;
    const tooLarge = this.tooLarge(bytes.byteLength);
    if (tooLarge) return tooLarge;
    const sha256 = sha256Hex(bytes);
    const parsed = parseCreateRequest({
      scope: parsedScope.value,
      mime,
      size: bytes.byteLength,
      sha256,
      ...(options.frameRange ? { frame_range: options.frameRange } : {}),
    });
    if (!parsed.ok) return parsed;
    const request = parsed.value;
    const target = parsedScope.value;
    return this.guard(async () => {
      const refused = await this.refusedTarget(p, target);
      if (refused) return refused;
      await this.store.ensureBucket();
      const now = this.now();
      const artifactId = fastUlid(now);
      const key = sidecarObjectKey(target.tenant_id, target.project_id, artifactId);
      await this.store.putObject(key, bytes, request.mime, sha256);
      const snapshot: SnapshotCreatedPayload = {
        artifact_id: artifactId,
        uri: sidecarUri(this.store.bucket, key),
        mime: request.mime,
        size: request.size,
        sha256,
        ...(request.frame_range ? { frame_range: request.frame_range } : {}),
        created_at: new Date(this.now()).toISOString(),
      };
      // The stamp is internal: `projectEvent` hides the event from viewers that cannot read its
      // sources and strips the stamp for the others.
      const payload = options.derivedFrom ? { ...snapshot, [DERIVED_FROM]: options.derivedFrom } : snapshot;
      let appended: Result<{ cursor: string }>;
      try {
        appended = await this.core.appendEvents(target, { id: p.actorId, kind: p.kind }, [
          { type: 'snapshot_created', payload },
        ]);
      } catch (err) {
        await this.discardObject(key, err instanceof Error ? err.message : String(err));
        throw err;
      }
      if (!appended.ok) {
        await this.discardObject(key, `${appended.error.code}: ${appended.error.message}`);
        return appended;
      }
      const createdAt = new Date(now).toISOString();
      await this.putRecord({
        v: 1,
        artifact_id: artifactId,
        scope: target,
        owner: { id: p.actorId, kind: p.kind },
        bucket: this.store.bucket,
        key,
        mime: request.mime,
        size: request.size,
        sha256,
        ...(request.frame_range ? { frame_range: request.frame_range } : {}),
        state: 'complete',
        created_at: createdAt,
        // Nothing was presigned: the upload window closed when it opened.
        upload_expires_at: createdAt,
        snapshot,
        cursor: appended.value.cursor,
        ...(options.derivedFrom ? { derived_from: options.derivedFrom } : {}),
      });
      return ok({ ...snapshot, cursor: appended.value.cursor });
    });
  }

  /**
   * Deletes an object `storeBytes` put whose `snapshot_created` could not be appended: no event or
   * record names it, so it would stay in the bucket for good. Logs a warning; a failed delete is
   * logged too (the object is then orphaned) and never replaces the caller's answer.
   */
  private async discardObject(key: string, why: string): Promise<void> {
    try {
      await this.store.deleteObject(key);
      this.logger?.warn({ key, why }, 'snapshot_created was not appended; deleted the sidecar object just stored');
    } catch (err) {
      this.logger?.warn(
        { key, why, err },
        'snapshot_created was not appended and the sidecar object stored for it could not be deleted',
      );
    }
  }

  /** `GET /v1/sidecars/{artifact_id}?<scope>`. */
  async resolve(p: Principal, artifactId: string, rawScope: unknown): Promise<Result<SidecarResolveResponse>> {
    const id = this.checkId(artifactId);
    if (!id.ok) return id;
    const scope = parseScope(p, rawScope, { canvas: 'optional', where: 'query' });
    if (!scope.ok) return scope;
    return this.guard(async () => {
      const view = await this.core.lensView(p, partitionId(scope.value));
      if (!view.sidecars.resolve)
        return fail('forbidden', 'your lens does not allow resolving sidecars in this project (sidecars.resolve)');
      const recordKey = sidecarRecordKey(scope.value.tenant_id, scope.value.project_id, artifactId);
      const found = await this.findRecord(recordKey, scope.value, artifactId);
      if (!found.ok) return found;
      const record = ok(found.value.record);
      const derived = record.value.derived_from;
      if (derived !== undefined && !mayReadSources(view, derived))
        return fail(
          'forbidden',
          `sidecar ${artifactId} was computed from canvas content your lens does not let you read`,
        );
      if (record.value.state !== 'complete')
        return fail('conflict', `sidecar ${artifactId} is not complete yet: POST /v1/sidecars/${artifactId}/complete`, {
          artifact_id: artifactId,
          reason: 'not_complete',
        });
      const now = this.now();
      const url = await this.store.presignGet(record.value.key, this.getTtl);
      return ok({ url, expires_at: new Date(now + this.getTtl * 1000).toISOString() });
    });
  }

  private checkId(artifactId: string): Result<string> {
    return opaqueIdSchema.safeParse(artifactId).success
      ? ok(artifactId)
      : fail('validation_failed', 'artifact_id: must be the id POST /v1/sidecars returned', {
          issues: [{ path: 'artifact_id', message: 'malformed' }],
        });
  }

  /** 400 `validation_failed` on `size` when over {@link maxObjectBytes} (as the schema answers at 5 GiB). */
  private tooLarge(size: number): Result<never> | null {
    if (size <= this.maxObjectBytes) return null;
    const message = `must be at most ${this.maxObjectBytes} bytes (got ${size})`;
    return fail('validation_failed', `size: ${message}`, { issues: [{ path: 'size', message }] });
  }

  /**
   * Why `p` may not add a sidecar to `scope` (a lens that allows no canvas change, or a named
   * canvas that does not exist), or null: the checks `create` and `storeBytes` share.
   */
  private async refusedTarget(p: Principal, scope: Scope): Promise<Result<never> | null> {
    const denied = this.writeDenied(await this.core.lensView(p, partitionId(scope)));
    if (denied) return denied;
    if (scope.canvas_id !== undefined && !(await this.core.canvasExistsWithoutLoading(scope)))
      return fail('not_found', `canvas '${scope.canvas_id}' does not exist`, { canvas_id: scope.canvas_id });
    return null;
  }

  private writeDenied(view: LensView): Result<never> | null {
    if (MUTATING_COMMANDS.some((type) => view.canRunCommand(type))) return null;
    return fail(
      'forbidden',
      `your lens allows no canvas changes in this project; uploading a sidecar needs one of ${MUTATING_COMMANDS.join(', ')}`,
    );
  }

  /**
   * The record of `artifactId` in the scope's project (404 also when it names another canvas),
   * with its stored text (what a compare-and-set expects).
   */
  private async findRecord(
    recordKey: string,
    scope: Scope,
    artifactId: string,
  ): Promise<Result<{ record: SidecarRecord; text: string }>> {
    const text = await this.core.spine.getRecord(SIDECAR_RECORD_KIND, recordKey);
    const record = parseSidecarRecord(text);
    if (!record || text === null || (scope.canvas_id !== undefined && record.scope.canvas_id !== scope.canvas_id))
      return fail('not_found', `sidecar '${artifactId}' does not exist in this project`, { artifact_id: artifactId });
    return ok({ record, text });
  }

  private putRecord(record: SidecarRecord): Promise<void> {
    const key = sidecarRecordKey(record.scope.tenant_id, record.scope.project_id, record.artifact_id);
    return this.core.spine.putRecord(SIDECAR_RECORD_KIND, key, JSON.stringify(record));
  }

  /** Turns unexpected failures (S3 or storage down) into 503s. */
  private async guard<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await fn();
    } catch (err) {
      this.logger?.error({ err }, 'sidecar operation failed');
      return fail('unavailable', 'the sidecar store is unavailable; retry later');
    }
  }

  /** Releases the S3 client. */
  close(): void {
    this.store.close();
  }
}

/** SigV4 allows 1 s to 7 days. */
function clampTtl(seconds: number): number {
  return Math.min(604_800, Math.max(1, Math.floor(seconds)));
}

/**
 * 400 naming the fields of a complete body other than `scope` (size, type and checksum were fixed
 * at create; a client re-sending them here must not think they counted), or null.
 */
function unknownCompleteFields(body: object): Result<never> | null {
  const extra = Object.keys(body).filter((key) => key !== 'scope');
  if (extra.length === 0) return null;
  const issues = extra
    .slice(0, 20)
    .map((key) => ({ path: key.length > 100 ? `${key.slice(0, 100)}…` : key, message: 'unknown field; remove it' }));
  const named = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  const more = extra.length > 3 ? ` (and ${extra.length - 3} more)` : '';
  return fail('validation_failed', `${named.join('; ')}${more}; the body is {scope}`, { issues });
}

/** The sidecar request schema's verdict on `body`, as a coded value (400 naming the path). */
function parseCreateRequest(body: unknown): Result<SidecarCreateRequest> {
  const parsed = sidecarCreateRequestSchema.safeParse(body);
  if (parsed.success) return ok(parsed.data);
  const described = describeZodError(parsed.error);
  return fail('validation_failed', described.message, described.details);
}
