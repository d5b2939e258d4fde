import {
  type Actor,
  type CanvasTypeManifest,
  canvasTypeManifestSchema,
  encodeCursor,
  type JsonValue,
  tokenDefault,
} from '@easel/schemas';
import * as Y from 'yjs';
import { z } from 'zod';
import type { PartitionId, Snapshot, StoredEvent } from '../spine/EventSpine.ts';
import { deepSafeGcFilter } from './deepContent.ts';
import { mergeTextFields, NO_TEXT_FIELDS, type TextFieldMap } from './mergeTextFields.ts';
import { ensureRoots, rootJson } from './yRoots.ts';

/** One entry of a canvas's commit history. */
export interface CommitEntry {
  readonly revision: number;
  readonly commit_id: string;
  readonly message: string;
  readonly kind: 'commit' | 'revert';
  readonly reverted_to?: number;
  readonly actor: Actor;
  readonly timestamp: string;
  readonly cursor: string;
  /**
   * Key (snapshot canvasId) of the snapshot holding this revision's state and tokens, or null
   * for revision 0 (the empty canvas). A revert points at its target's snapshot.
   */
  readonly snapshot: string | null;
}

/** Snapshot key of the state a commit labels. */
export function commitSnapshotKey(canvasId: string, commitId: string): string {
  return `${canvasId}@${commitId}`;
}

const commitEntrySchema = z.object({
  revision: z.int().min(0),
  commit_id: z.string().min(1),
  message: z.string(),
  kind: z.enum(['commit', 'revert']),
  reverted_to: z.int().min(0).optional(),
  actor: z.object({ id: z.string(), kind: z.enum(['human', 'agent', 'service']) }),
  timestamp: z.string(),
  cursor: z.string(),
  snapshot: z.string().nullable(),
});

/** What a canvas snapshot's `meta` JSON holds besides the Yjs state. */
const canvasMetaSchema = z.object({
  v: z.literal(1),
  title: z.string(),
  manifest: canvasTypeManifestSchema,
  tokens: z.record(z.string(), z.json()),
  history: z.array(commitEntrySchema),
});

/** Tokens-only meta of a commit snapshot. */
const commitMetaSchema = z.object({ v: z.literal(1), tokens: z.record(z.string(), z.json()) });

/** Parses the tokens of a commit snapshot's meta; null when unreadable. */
export function parseCommitMeta(text: string): Record<string, JsonValue> | null {
  try {
    const parsed = commitMetaSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.tokens as Record<string, JsonValue>) : null;
  } catch {
    return null;
  }
}

/** Thrown when stored events or snapshots cannot be rebuilt (data error, not bad input). */
export class CanvasRebuildError extends Error {}

/**
 * One live canvas: the authoritative Y.Doc with its declared roots, token values, revision,
 * commit history and the manifest it was created with. It changes only through the methods
 * below, used both for live commands and for replaying stored events, so a canvas rebuilt
 * from its snapshot and tail equals the live one.
 */
export class CanvasDoc {
  /** Its garbage collection copes with content nested deeper than Yjs's recursion can (see `deepSafeGcFilter`). */
  readonly doc = new Y.Doc({ gcFilter: deepSafeGcFilter });
  /** Explicitly set token values (unset tokens read as their declared default). */
  readonly tokens = new Map<string, JsonValue>();
  readonly history: CommitEntry[] = [];
  revision = 0;
  /** Partition seq of the last event of this canvas reflected in memory (0: none yet). */
  lastSeq = 0;
  /**
   * Shared spines (several writer nodes): every event of this canvas up to this partition seq
   * is reflected in memory (events of other nodes included). Unused on single-writer spines.
   */
  syncedSeq = 0;
  /** Mutations applied since the last snapshot. */
  mutationsSinceSnapshot = 0;
  /** Set when the canvas left the registry (unloaded or discarded): callers must re-fetch it. */
  disposed = false;
  /** Set when its in-memory state may contain changes that are not durable: never snapshot it. */
  poisoned = false;
  lastUsed = 0;
  /** Settles when every append issued for this canvas so far is durable; rejects if one failed. */
  appendChain: Promise<void> = Promise.resolve();
  /**
   * Text fields in force (`{<root>: [key, ...]}`): the manifest's `text_fields`, extended by those
   * of a newer registration of its type ({@link adoptTextFields}). `state.ops` writes Y.Text there
   * and `state.update` may not set plain strings there.
   */
  textFields: TextFieldMap = NO_TEXT_FIELDS;

  private constructor(
    readonly partition: PartitionId,
    readonly canvasId: string,
    readonly manifest: CanvasTypeManifest,
    readonly title: string,
    readonly epoch: string,
  ) {
    ensureRoots(this.doc, manifest.roots);
    this.textFields = mergeTextFields(manifest.roots, NO_TEXT_FIELDS, manifest.text_fields);
  }

  /**
   * Extends {@link textFields} with the `text_fields` of the currently registered manifest of its
   * type (roots this canvas declares as map or array only); never removes one. True when it grew.
   */
  adoptTextFields(declared: TextFieldMap | undefined): boolean {
    const next = mergeTextFields(this.manifest.roots, this.textFields, declared);
    if (next === this.textFields) return false;
    this.textFields = next;
    return true;
  }

  /** A new, empty canvas (revision 0). */
  static create(partition: PartitionId, canvasId: string, manifest: CanvasTypeManifest, title: string, epoch: string) {
    return new CanvasDoc(partition, canvasId, manifest, title, epoch);
  }

  /** Rebuilds from a snapshot; throws {@link CanvasRebuildError} when it is unreadable. */
  static fromSnapshot(partition: PartitionId, canvasId: string, snapshot: Snapshot, epoch: string): CanvasDoc {
    let meta: z.infer<typeof canvasMetaSchema>;
    try {
      const parsed = canvasMetaSchema.safeParse(JSON.parse(snapshot.meta));
      if (!parsed.success) throw new Error(parsed.error.message);
      meta = parsed.data;
    } catch (err) {
      throw new CanvasRebuildError(`snapshot of canvas ${canvasId} is unreadable: ${(err as Error).message}`);
    }
    const canvas = new CanvasDoc(partition, canvasId, meta.manifest, meta.title, epoch);
    try {
      Y.applyUpdate(canvas.doc, snapshot.state);
    } catch (err) {
      throw new CanvasRebuildError(`snapshot state of canvas ${canvasId} is unreadable: ${(err as Error).message}`);
    }
    for (const [id, value] of Object.entries(meta.tokens)) canvas.tokens.set(id, value as JsonValue);
    canvas.history.push(...(meta.history as CommitEntry[]));
    canvas.revision = snapshot.revision;
    canvas.lastSeq = snapshot.seq;
    return canvas;
  }

  /** The snapshot of the current state (caller makes sure it is durable before saving it). */
  snapshot(): Snapshot {
    const meta = {
      v: 1,
      title: this.title,
      manifest: this.manifest,
      tokens: Object.fromEntries(this.tokens),
      history: this.history,
    };
    return {
      canvasId: this.canvasId,
      seq: this.lastSeq,
      revision: this.revision,
      state: Y.encodeStateAsUpdate(this.doc),
      meta: JSON.stringify(meta),
    };
  }

  /** The state and tokens of the current revision, for a commit snapshot. */
  commitSnapshot(commitId: string): Snapshot {
    return {
      canvasId: commitSnapshotKey(this.canvasId, commitId),
      seq: this.lastSeq,
      revision: this.revision,
      state: Y.encodeStateAsUpdate(this.doc),
      meta: JSON.stringify({ v: 1, tokens: Object.fromEntries(this.tokens) }),
    };
  }

  get canvasType(): string {
    return this.manifest.type;
  }

  /** A token's value: set, else declared default; undefined when the token is not declared. */
  tokenValue(tokenId: string): JsonValue | undefined {
    const decl = Object.hasOwn(this.manifest.tokens, tokenId) ? this.manifest.tokens[tokenId] : undefined;
    if (!decl) return undefined;
    return this.tokens.has(tokenId) ? this.tokens.get(tokenId) : tokenDefault(decl);
  }

  /** Every declared token's value (defaults included). */
  allTokens(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const id of Object.keys(this.manifest.tokens)) out[id] = this.tokenValue(id) as JsonValue;
    return out;
  }

  rootJson(root: string): unknown {
    const kind = Object.hasOwn(this.manifest.roots, root) ? this.manifest.roots[root] : undefined;
    return kind === undefined ? undefined : rootJson(this.doc, root, kind);
  }

  /** Sets (value) or resets (undefined) a token and moves to `revision`. */
  setToken(tokenId: string, value: JsonValue | undefined, revision: number): void {
    if (value === undefined) this.tokens.delete(tokenId);
    else this.tokens.set(tokenId, value);
    this.revision = revision;
  }

  /**
   * Applies an update in one transaction and returns the effective update (what changed), or
   * null when Yjs threw or left something pending: then the doc must be discarded.
   */
  applyUpdate(update: Uint8Array): Uint8Array | null {
    return this.transactCapturing(() => Y.applyUpdate(this.doc, update));
  }

  /** Runs `fn` in one transaction; returns the effective update, or null as in {@link applyUpdate}. */
  transactCapturing(fn: () => void): Uint8Array | null {
    const parts: Uint8Array[] = [];
    const onUpdate = (u: Uint8Array) => {
      parts.push(u);
    };
    this.doc.on('update', onUpdate);
    try {
      this.doc.transact(fn);
    } catch {
      return null;
    } finally {
      this.doc.off('update', onUpdate);
    }
    if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) return null;
    return parts.length === 0 ? EMPTY_UPDATE : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  }

  /** Records a commit (or a revert's commit entry). */
  addCommit(entry: CommitEntry): void {
    this.history.push(entry);
  }

  /** The snapshot key holding the state of `revision`, if it is a valid revert target. */
  revertSource(revision: number): { snapshot: string | null } | null {
    if (revision === 0) return { snapshot: null };
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i]!;
      if (e.revision === revision) return { snapshot: e.snapshot };
    }
    return null;
  }

  /** Revisions a revert may target: 0 and every committed revision. */
  revertTargets(): number[] {
    return [...new Set([0, ...this.history.map((e) => e.revision)])].sort((a, b) => a - b);
  }

  /**
   * Replays one stored event of this canvas (after the snapshot). Events of other kinds
   * (chat, jobs, sidecars) carry no canvas state and are skipped.
   */
  replay(event: StoredEvent): void {
    let envelope: { type?: unknown; payload?: Record<string, unknown>; actor?: Actor; timestamp?: string };
    try {
      envelope = JSON.parse(event.envelope);
    } catch {
      throw new CanvasRebuildError(`event ${event.seq} of canvas ${this.canvasId} is not JSON`);
    }
    const payload = envelope.payload ?? {};
    const revision = typeof payload.revision === 'number' ? payload.revision : this.revision;
    switch (event.type) {
      case 'token_patch': {
        const tokenId = String(payload.token_id);
        this.setToken(tokenId, payload.op === 'delete' ? undefined : (payload.value as JsonValue), revision);
        break;
      }
      case 'state_patch': {
        if (typeof payload.update === 'string') {
          try {
            // Stored updates were validated when committed. Should one depend on a lost event
            // (a failed append that an acknowledged one followed), its items stay pending:
            // the canvas still loads, with what is durable.
            Y.applyUpdate(this.doc, new Uint8Array(Buffer.from(payload.update, 'base64')));
          } catch (err) {
            throw new CanvasRebuildError(
              `state_patch ${event.seq} of canvas ${this.canvasId}: ${(err as Error).message}`,
            );
          }
        }
        this.revision = revision;
        break;
      }
      case 'canvas_commit': {
        const kind = payload.kind === 'revert' ? 'revert' : 'commit';
        const commitId = String(payload.commit_id);
        const revertedTo = typeof payload.reverted_to === 'number' ? payload.reverted_to : undefined;
        // A run revert (`reverted_run`) labels its own state, like a commit.
        const snapshot =
          kind === 'commit' || typeof payload.reverted_run === 'string'
            ? commitSnapshotKey(this.canvasId, commitId)
            : (this.revertSource(revertedTo ?? 0)?.snapshot ?? null);
        this.addCommit({
          revision,
          commit_id: commitId,
          message: String(payload.message ?? ''),
          kind,
          ...(revertedTo !== undefined ? { reverted_to: revertedTo } : {}),
          actor: envelope.actor ?? { id: 'unknown', kind: 'service' },
          timestamp: envelope.timestamp ?? '',
          cursor: encodeCursor({ epoch: this.epoch, seq: event.seq }),
          snapshot,
        });
        this.revision = revision;
        break;
      }
      default:
        break;
    }
    this.lastSeq = Math.max(this.lastSeq, event.seq);
  }
}

/** An update that changes nothing. */
export const EMPTY_UPDATE: Uint8Array = Y.encodeStateAsUpdate(new Y.Doc());

/** The manifest and title a `canvas_created` envelope records; null when it is not one. */
export function readCanvasCreated(envelope: string): { manifest: CanvasTypeManifest; title: string } | null {
  try {
    const parsed = JSON.parse(envelope) as { type?: unknown; payload?: { manifest?: unknown; title?: unknown } };
    if (parsed.type !== 'canvas_created') return null;
    const manifest = canvasTypeManifestSchema.safeParse(parsed.payload?.manifest);
    if (!manifest.success) return null;
    return { manifest: manifest.data, title: typeof parsed.payload?.title === 'string' ? parsed.payload.title : '' };
  } catch {
    return null;
  }
}
