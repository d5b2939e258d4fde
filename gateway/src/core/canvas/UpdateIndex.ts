import type { Struct } from './decodeUpdateV1.ts';

/** Structs of the update, per client, sorted by clock, for lookups by ID. */
export class UpdateIndex {
  readonly byClient = new Map<number, Struct[]>();

  constructor(structs: readonly Struct[]) {
    for (const s of structs) {
      let list = this.byClient.get(s.id.client);
      if (!list) {
        list = [];
        this.byClient.set(s.id.client, list);
      }
      list.push(s);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  /** The struct covering `clock` of `client`, or null. */
  find(client: number, clock: number): Struct | null {
    const list = this.byClient.get(client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid]!;
      if (clock < s.id.clock) hi = mid - 1;
      else if (clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return null;
  }
}
