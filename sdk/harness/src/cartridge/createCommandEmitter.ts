import type { CommandType, JsonValue, StateOp } from '@easel/schemas';
import type { CommandError, SentCommand } from '@easel/transport';
import type * as Y from 'yjs';
import type { HarnessStores } from '../stores/HarnessStores.ts';
import type { CommandEmitter, EmitResult } from './defineCanvas.ts';
import { editWhenHydrated } from './editWhenHydrated.ts';
import { runPluginTool } from './runPluginTool.ts';

/** The transaction origin of edits made through `emit.edit` (a local origin: sent upstream). */
export const HARNESS_EDIT_ORIGIN: unique symbol = Symbol('easel:harness-edit');

/** Options of {@link createCommandEmitter}. */
export interface CommandEmitterOptions {
  /**
   * The surface that shows this emitter's refusals itself (recorded as `RejectedView.shownBy`, so
   * CanvasHost's banner does not show them a second time). Default: none (the banner shows them).
   */
  shownBy?: string;
}

type Sent = { ok: true; value: SentCommand } | { ok: false; error: CommandError };

/**
 * The emitter canvases receive: commands on the provider's transport; every refusal is recorded
 * (`useRejectedEdit`, `CanvasProps.rejected`) and an accepted command clears the last one. An
 * outage does not drop a command: the transport holds it while its stream reconnects (up to its
 * `requestTimeoutMs`, 30 s by default; then its attempts run out and it is refused as `network`). `edit`
 * waits for the document while paint first shows the snapshot's JSON before its Yjs update arrived
 * (see `editWhenHydrated`); `dropQueuedEdits(transport, emitter)` drops what it still holds.
 */
export function createCommandEmitter(stores: HarnessStores, options: CommandEmitterOptions = {}): CommandEmitter {
  const { transport } = stores;
  const reject = (what: string, code: string, message: string) => stores.reject(what, code, message, options.shownBy);
  const settle = (what: string, sent: Sent): EmitResult => {
    if (sent.ok) {
      if (stores.rejected.value !== null && stores.rejected.value.what !== 'edit') stores.rejected.set(null);
      return { ok: true, revision: sent.value.revision };
    }
    reject(what, sent.error.code, sent.error.message);
    return { ok: false, code: sent.error.code, message: sent.error.message };
  };
  const emitter: CommandEmitter = {
    async ops(ops: StateOp[], options?: { message?: string }): Promise<EmitResult> {
      const applied = settle('ops', await transport.applyOps(ops));
      if (!applied.ok || options?.message === undefined) return applied;
      return settle('commit', await transport.commit(options.message));
    },
    async setToken(tokenId: string, value: JsonValue): Promise<EmitResult> {
      return settle('token', await transport.setToken(tokenId, value));
    },
    async commit(message: string): Promise<EmitResult> {
      return settle('commit', await transport.commit(message));
    },
    edit(fn: (doc: Y.Doc) => void): void {
      // Paint first: waits while `doc` is still empty (painted from `stateJson`, update not arrived).
      editWhenHydrated(transport, emitter, fn, HARNESS_EDIT_ORIGIN);
    },
    async tool(toolId: string, args?: JsonValue): Promise<EmitResult> {
      const tool = transport.manifest?.tools.find((t) => t.id === toolId);
      if (!tool) {
        const message = `this canvas has no tool "${toolId}"`;
        reject('tool', 'not_found', message);
        return { ok: false, code: 'not_found', message };
      }
      // A commit tool without arguments commits with the tool's label as its message.
      const fallback = tool.command === 'canvas.commit' ? { message: tool.label } : {};
      const payload = args === undefined || args === null ? fallback : args;
      if (typeof payload !== 'object' || Array.isArray(payload)) {
        const message = `tool "${toolId}" takes an object of arguments`;
        reject('tool', 'validation_failed', message);
        return { ok: false, code: 'validation_failed', message };
      }
      if (tool.plugin !== undefined) {
        const ran = await runPluginTool(stores, tool.plugin, payload as Record<string, JsonValue>);
        if (!ran.ok) reject('tool', ran.code, ran.message);
        return ran;
      }
      return settle('tool', await transport.send(tool.command as CommandType, payload as never));
    },
  };
  return emitter;
}
