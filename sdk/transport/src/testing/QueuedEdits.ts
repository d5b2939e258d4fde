import type { PendingLocalEdits, RebuildReason } from '../mirror/CanvasMirror.ts';

/** Pending local edits queued by hand (LocalEdits does this in the transport), for mirror tests. */
export class QueuedEdits implements PendingLocalEdits {
  queue: Uint8Array[] = [];
  reasons: RebuildReason[] = [];

  pending(): readonly Uint8Array[] {
    return this.queue;
  }

  rebuilt(kept: readonly boolean[], reason: RebuildReason): void {
    this.queue = this.queue.filter((_, i) => kept[i]);
    this.reasons.push(reason);
  }
}
