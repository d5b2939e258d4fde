import * as Y from 'yjs';
import type { CommandError, CommandErrorCode } from '../commands/CommandError.ts';
import type { CommandSender } from '../commands/CommandSender.ts';
import { Listeners } from '../lib/Listeners.ts';
import { bytesToBase64 } from '../lib/base64.ts';
import type { Deps } from '../lib/deps.ts';
import type { CanvasMirror, PendingLocalEdits, RebuildReason } from '../mirror/CanvasMirror.ts';
import { isLocalOrigin } from '../mirror/origins.ts';

/** A local Yjs edit the gateway refused (or that was rolled back with the document). */
export interface RejectedEdit {
  readonly code: CommandErrorCode;
  readonly message: string;
  readonly status?: number;
  readonly details?: unknown;
  /** The gateway's `request_id` of the refusal, when it answered with one. */
  readonly requestId?: string;
  /** The refused Yjs update (the edits of one flush, merged). */
  readonly update: Uint8Array;
  /** The `state.update` command that carried it (null when refused before sending). */
  readonly commandId: string | null;
  /** Later unconfirmed local edits rolled back with it (they built on the refused one). */
  readonly rolledBack: number;
}

interface InFlight {
  readonly update: Uint8Array;
  readonly commandId: string;
  orphan: boolean;
}

export interface LocalEditsOptions {
  readonly mirror: CanvasMirror;
  readonly sender: CommandSender;
  readonly deps: Deps;
  /** Attempts per `state.update` on network errors / 429 / 503 (default 1000: effectively until `close()`). */
  readonly maxAttempts?: number;
}

/**
 * Sends local edits of the mirror's document upstream. Every transaction whose origin is not
 * the transport's own is queued; the updates of one tick are merged (`Y.mergeUpdates`) and sent
 * as one `state.update`, one command in flight at a time (later edits build on earlier ones,
 * and Yjs needs each client's updates in order). The gateway's echo of an edit is harmless
 * (Yjs ignores what it has). When the gateway refuses an edit (400/403/409/413...), the mirror
 * rebuilds its document from the confirmed state plus the edits still pending, which reverts
 * the refused one (inserts, nested edits and deletes alike), and `onRejected` reports why.
 */
export class LocalEdits implements PendingLocalEdits {
  readonly #options: LocalEditsOptions;
  #queue: Uint8Array[] = [];
  #inFlight: InFlight | null = null;
  #timer: unknown = null;
  #closed = false;
  #detachDoc: () => void = () => undefined;
  #rolledBack = 0;
  readonly #rejected = new Listeners<[RejectedEdit]>();
  readonly #idle = new Listeners<[]>();
  readonly #disposers: Array<() => void> = [];

  constructor(options: LocalEditsOptions) {
    this.#options = options;
    this.#disposers.push(options.mirror.attachLocal(this));
    this.#disposers.push(options.mirror.onDoc((doc) => this.#attach(doc)));
    this.#attach(options.mirror.doc);
  }

  /** Local edits not yet confirmed (queued or in flight). */
  get pendingCount(): number {
    return this.#queue.length + (this.#inFlight && !this.#inFlight.orphan ? 1 : 0);
  }

  onRejected(listener: (rejected: RejectedEdit) => void): () => void {
    return this.#rejected.add(listener);
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === null) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.#idle.add(() => {
        off();
        resolve();
      });
    });
  }

  pending(): readonly Uint8Array[] {
    const head = this.#inFlight && !this.#inFlight.orphan ? [this.#inFlight.update] : [];
    return [...head, ...this.#queue];
  }

  rebuilt(kept: readonly boolean[], reason: RebuildReason): void {
    let index = 0;
    const dropped: Uint8Array[] = [];
    if (this.#inFlight && !this.#inFlight.orphan) {
      if (!kept[0]) {
        this.#inFlight.orphan = true;
        dropped.push(this.#inFlight.update);
      }
      index = 1;
    }
    const queue: Uint8Array[] = [];
    for (const update of this.#queue) {
      if (kept[index]) queue.push(update);
      else dropped.push(update);
      index += 1;
    }
    this.#queue = queue;
    if (reason === 'refused') {
      this.#rolledBack = dropped.length;
    } else if (dropped.length > 0) {
      const update = dropped.length === 1 ? dropped[0]! : Y.mergeUpdates(dropped);
      this.#rejected.emit({
        code: 'reset',
        message: 'canvas reset: edits that no longer apply were rolled back',
        update,
        commandId: null,
        rolledBack: 0,
      });
    }
  }

  /** Sends what is queued now instead of at the end of the tick. */
  flush(): void {
    if (this.#timer !== null) {
      this.#options.deps.timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
    void this.#flush();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) this.#options.deps.timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#detachDoc();
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  /**
   * Queues the update of every local transaction. Yjs encodes a transaction's update only while
   * someone listens to `'update'`, so the listener is attached after a local transaction's
   * cleanup (just before Yjs checks for it) and removed after: remote updates (a whole snapshot)
   * are never encoded just to be ignored.
   */
  #attach(doc: Y.Doc): void {
    this.#detachDoc();
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      doc.off('update', onUpdate);
      if (this.#closed || !isLocalOrigin(origin)) return;
      this.#queue.push(update);
      this.#schedule();
    };
    const onCleanup = (tr: Y.Transaction) => {
      if (!this.#closed && isLocalOrigin(tr.origin)) doc.on('update', onUpdate);
      else doc.off('update', onUpdate);
    };
    doc.on('afterTransactionCleanup', onCleanup);
    this.#detachDoc = () => {
      doc.off('afterTransactionCleanup', onCleanup);
      doc.off('update', onUpdate);
    };
  }

  #schedule(): void {
    if (this.#timer !== null || this.#inFlight !== null || this.#closed) return;
    this.#timer = this.#options.deps.timers.setTimeout(() => {
      this.#timer = null;
      void this.#flush();
    }, 0);
  }

  async #flush(): Promise<void> {
    if (this.#inFlight !== null || this.#closed) return;
    if (this.#queue.length === 0) {
      this.#idle.emit();
      return;
    }
    const update = this.#queue.length === 1 ? this.#queue[0]! : Y.mergeUpdates(this.#queue);
    this.#queue = [];
    const { mirror, sender } = this.#options;
    if (mirror.view === 'projection') {
      this.#refuse(
        {
          code: 'forbidden',
          message: 'a JSON-projection viewer cannot send Yjs edits; use applyOps',
        },
        update,
        null,
      );
      this.#schedule();
      return;
    }
    const entry: InFlight = { update, commandId: sender.newCommandId(), orphan: false };
    this.#inFlight = entry;
    const result = await sender.send(
      'state.update',
      { update: bytesToBase64(update) },
      { commandId: entry.commandId, maxAttempts: this.#options.maxAttempts ?? 1000 },
    );
    if (this.#inFlight === entry) this.#inFlight = null;
    if (this.#closed) return;
    if (result.ok) {
      if (!entry.orphan) mirror.confirm(update);
    } else if (result.error.code !== 'closed' && !entry.orphan) {
      this.#refuse(result.error, update, entry.commandId);
    }
    if (this.#queue.length > 0) this.#schedule();
    else this.#idle.emit();
  }

  #refuse(error: CommandError, update: Uint8Array, commandId: string | null): void {
    this.#rolledBack = 0;
    this.#options.mirror.rebuild('refused');
    this.#options.deps.logger.warn?.(`a local edit was refused (${error.code}): ${error.message}`);
    this.#rejected.emit({
      ...error,
      update,
      commandId,
      rolledBack: this.#rolledBack,
    });
  }
}
