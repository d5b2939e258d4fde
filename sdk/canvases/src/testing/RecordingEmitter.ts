import type { CommandEmitter, EmitResult } from '@easel/harness';
import { applyStateOps } from '@easel/harness/testing';
import type { JsonValue, RootKind, StateOp } from '@easel/schemas';
import * as Y from 'yjs';

/** One call a cartridge made on its emitter. */
export type EmitterCall =
  | { kind: 'ops'; ops: StateOp[]; options: { message?: string } | undefined }
  | { kind: 'setToken'; tokenId: string; value: JsonValue }
  | { kind: 'commit'; message: string }
  | { kind: 'edit'; update: Uint8Array }
  | { kind: 'tool'; toolId: string; args: JsonValue | undefined };

export interface RecordingEmitterOptions {
  /** Refuse every command with this error (as the gateway would a forbidden one). */
  refuse?: { code: string; message: string };
  /** Tool ids the canvas type declares (others answer `not_found`). */
  tools?: readonly string[];
  /** What a declared tool answers (default `{ok: true, revision}`), e.g. a plugin tool's job and result. */
  toolResults?: Readonly<Record<string, EmitResult>>;
}

/**
 * A CommandEmitter for component tests: the cartridge's boundary. It records every call and applies
 * `state.ops` (with the harness's gateway-equivalent applier) and local Yjs edits to a real Y.Doc, so
 * a test can re-project the state and see what an interaction really changed.
 */
export class RecordingEmitter implements CommandEmitter {
  readonly calls: EmitterCall[] = [];
  readonly doc = new Y.Doc();
  readonly tokens: Record<string, JsonValue>;
  revision = 0;
  /** Bumped on every change of state or tokens (a snapshot for useSyncExternalStore). */
  version = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly roots: Readonly<Record<string, RootKind>>,
    tokens: Record<string, JsonValue> = {},
    private readonly options: RecordingEmitterOptions = {},
  ) {
    this.tokens = { ...tokens };
    this.doc.on('update', () => this.notify());
  }

  /** Applies ops without recording them (seeding state, or a remote peer's edit). */
  seed(ops: StateOp[]): void {
    const result = applyStateOps(this.doc, this.roots, ops);
    if (!result.ok) throw new Error(`seed refused: ${result.message}`);
  }

  /** The JSON of every root, as `useCanvasState` gives it. */
  state(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [name, kind] of Object.entries(this.roots)) {
      if (kind === 'map') out[name] = this.doc.getMap(name).toJSON() as JsonValue;
      else if (kind === 'array') out[name] = this.doc.getArray(name).toJSON() as JsonValue;
      else if (kind === 'text') out[name] = this.doc.getText(name).toString();
      else out[name] = this.doc.getXmlFragment(name).toString();
    }
    return out;
  }

  /** Calls of one kind. */
  callsOf<K extends EmitterCall['kind']>(kind: K): Extract<EmitterCall, { kind: K }>[] {
    return this.calls.filter((c): c is Extract<EmitterCall, { kind: K }> => c.kind === kind);
  }

  /** Every op sent with `ops`, flattened in order. */
  allOps(): StateOp[] {
    return this.callsOf('ops').flatMap((c) => c.ops);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ops(ops: StateOp[], options?: { message?: string }): Promise<EmitResult> {
    this.calls.push({ kind: 'ops', ops, options });
    if (this.options.refuse) return { ok: false, ...this.options.refuse };
    const result = applyStateOps(this.doc, this.roots, ops);
    if (!result.ok) return { ok: false, code: 'validation_failed', message: result.message };
    return { ok: true, revision: ++this.revision };
  }

  async setToken(tokenId: string, value: JsonValue): Promise<EmitResult> {
    this.calls.push({ kind: 'setToken', tokenId, value });
    if (this.options.refuse) return { ok: false, ...this.options.refuse };
    this.tokens[tokenId] = value;
    this.notify();
    return { ok: true, revision: ++this.revision };
  }

  async commit(message: string): Promise<EmitResult> {
    this.calls.push({ kind: 'commit', message });
    return { ok: true, revision: this.revision };
  }

  edit(fn: (doc: Y.Doc) => void): void {
    const before = Y.encodeStateVector(this.doc);
    this.doc.transact(() => fn(this.doc), 'local-edit');
    this.calls.push({ kind: 'edit', update: Y.encodeStateAsUpdate(this.doc, before) });
  }

  async tool(toolId: string, args?: JsonValue): Promise<EmitResult> {
    this.calls.push({ kind: 'tool', toolId, args });
    if (!(this.options.tools ?? []).includes(toolId)) {
      return { ok: false, code: 'not_found', message: `this canvas has no tool "${toolId}"` };
    }
    if (this.options.refuse) return { ok: false, ...this.options.refuse };
    return this.options.toolResults?.[toolId] ?? { ok: true, revision: this.revision };
  }

  private notify(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }
}
