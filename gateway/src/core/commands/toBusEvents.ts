import type { BusEvent } from '../bus/EventBus.ts';
import type { PartitionId } from '../spine/EventSpine.ts';

/** The bus events of one append: event `i` with `seqs[i]` and `envelopes[i]`, in append order. */
export function toBusEvents(
  partition: PartitionId,
  canvasId: string | null,
  seqs: readonly number[],
  events: ReadonlyArray<{ readonly type: string }>,
  envelopes: readonly string[],
): BusEvent[] {
  return seqs.map((seq, i) => ({
    partition,
    seq,
    canvasId,
    type: events[i]!.type,
    envelope: envelopes[i]!,
  }));
}
