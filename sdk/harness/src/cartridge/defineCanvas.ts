import type { CanvasTypeManifest, JsonValue, StateOp } from '@easel/schemas';
import type { ComponentType } from 'react';
import type * as Y from 'yjs';
import type { PeerState } from '../hooks/PeerState.ts';

/** What every {@link CommandEmitter} call resolves with: the canvas revision after it, or why not. */
export type EmitResult =
  | {
      ok: true;
      revision: number;
      /** A plugin tool (`tool.plugin`): the job that ran it and its result (last stage's output per frame). */
      job?: { job_id: string; status: string; result?: JsonValue };
    }
  | { ok: false; code: string; message: string };

/**
 * The only way a canvas changes shared state: commands sent by the harness on its behalf.
 * Canvases never see the transport (and may not import it: dependency rule).
 */
export interface CommandEmitter {
  /** `state.ops` (typed block ops), applied as one transaction. */
  ops(ops: StateOp[], options?: { message?: string }): Promise<EmitResult>;
  /** `token.set`, validated against the token's declaration by the gateway. */
  setToken(tokenId: string, value: JsonValue): Promise<EmitResult>;
  /** `canvas.commit`: labels the current revision. */
  commit(message: string): Promise<EmitResult>;
  /**
   * A local Yjs edit (collaborative text), sent upstream as `state.update`. Applied at once;
   * reverted with a visible reason (`CanvasProps.rejected`) when the gateway refuses it.
   * Paint first: while the canvas is painted from the snapshot's JSON and its Yjs update has not
   * arrived yet (the document is still empty), `fn` waits and runs on the loaded document as soon
   * as it arrives, after any edit made before it (each in its own transaction); edits still waiting
   * are dropped when the transport closes or the component that made them unmounts.
   */
  edit(fn: (doc: Y.Doc) => void): void;
  /**
   * Runs a manifest tool: sends the tool's `command` with `args` as its payload; a plugin tool
   * (`tool.plugin`) starts a job (pipeline `<plugin>.<tool>`, input `{canvas_id, params?: {<stage>: args.params}}`)
   * and resolves with its outcome once it completes or fails.
   */
  tool(toolId: string, args?: JsonValue): Promise<EmitResult>;
}

/** What a cartridge's component receives from {@link CanvasHost}. */
export interface CanvasProps<P> {
  /** The cartridge's typed projection of the canvas state and tokens. */
  projection: P;
  /** The tokens this actor may read (values). */
  tokens: Record<string, JsonValue>;
  /** The canvas revision (null before the first CANVAS_READY). */
  revision: number | null;
  emit: CommandEmitter;
  presence: { peers: PeerState[]; setCursor(x: number, y: number): void };
  /** True when the lens does not let this actor write the canvas's roots (or the view is a projection). */
  readOnly: boolean;
  /** The last refused local edit (visible reason), cleared by the next accepted one. */
  rejected: { message: string; code: string } | null;
}

/** The cartridge contract: a manifest, a typed projection and a component. */
export interface CanvasCartridge<P> {
  /** `{type, version, title, roots, tokens, tools}`, as registered with the gateway. */
  manifest: CanvasTypeManifest;
  /** Turns the JSON of the roots and the readable tokens into the component's props. Pure. */
  project(state: Record<string, JsonValue>, tokens: Record<string, JsonValue>): P;
  Component: ComponentType<CanvasProps<P>>;
  /**
   * The component draws peers' cursors itself, in its own coordinates (it calls
   * `presence.setCursor` with them): {@link CanvasHost} then mounts no cursor layer of its own
   * and does not report the pointer. Default false.
   */
  drawsOwnCursors?: boolean;
  /**
   * Optional: the arguments (command payload) of manifest tools run from outside the canvas
   * (ToolPop), by tool id, from the current projection. E.g. `{'add-note': (p) => ({ops: [...]})}`.
   * A tool without an entry is sent with `{}` (a `canvas.commit` tool: its label as message); a
   * `state.ops`/`state.update` tool without one is offered disabled ({} is no edit).
   */
  toolArgs?: Readonly<Record<string, (projection: P, tokens: Record<string, JsonValue>) => JsonValue>>;
}

/** A cartridge of any projection type (for registries and templates). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds cartridges of different projection types
export type AnyCanvasCartridge = CanvasCartridge<any>;

/**
 * Declares a canvas cartridge. Identity at runtime; checks the contract at compile time and
 * throws (a programmer error) when the manifest has no roots or the component is missing.
 */
export function defineCanvas<P>(cartridge: CanvasCartridge<P>): CanvasCartridge<P> {
  if (!cartridge || typeof cartridge.project !== 'function' || !cartridge.Component) {
    throw new TypeError('defineCanvas: a cartridge needs manifest, project() and Component');
  }
  if (!cartridge.manifest || Object.keys(cartridge.manifest.roots ?? {}).length === 0) {
    throw new TypeError(`defineCanvas: manifest ${cartridge.manifest?.type ?? '?'} declares no roots`);
  }
  return cartridge;
}
