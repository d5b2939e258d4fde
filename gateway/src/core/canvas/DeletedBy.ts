import type { DeleteSet } from './decodeUpdateV1.ts';

/** Lookup of ids in an update's own delete set (whole struct ranges). */
export class DeletedBy {
  private readonly ranges = new Map<number, Array<[number, number]>>();

  constructor(ds: DeleteSet) {
    for (const [client, items] of ds.clients) this.ranges.set(client, mergeRanges(items));
  }

  /** Whether [clock, clock + length) of `client` is deleted entirely. */
  has(client: number, clock: number, length: number): boolean {
    const ranges = this.ranges.get(client);
    if (ranges === undefined) return false;
    // Merged ranges are disjoint and sorted: one range must cover the whole struct.
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, end] = ranges[mid]!;
      if (clock < start) hi = mid - 1;
      else if (clock >= end) lo = mid + 1;
      else return clock + length <= end;
    }
    return false;
  }
}

/** Sorted, merged [start, end) ranges of a delete set's items for one client. */
export function mergeRanges(items: ReadonlyArray<{ clock: number; len: number }>): Array<[number, number]> {
  const sorted = items.filter((d) => d.len > 0).sort((a, b) => a.clock - b.clock);
  const out: Array<[number, number]> = [];
  for (const d of sorted) {
    const last = out[out.length - 1];
    if (last && d.clock <= last[1]) last[1] = Math.max(last[1], d.clock + d.len);
    else out.push([d.clock, d.clock + d.len]);
  }
  return out;
}
