import type { Timers } from '../lib/deps.ts';

interface Scheduled {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * Fake timers with explicit flushing: nothing runs until `advance(ms)`. `now()` is the fake
 * clock. Between timers, `advance` lets pending promises (fetch bodies, stream reads) settle.
 */
export class ManualTimers implements Timers {
  #now: number;
  #nextId = 1;
  readonly #scheduled = new Map<number, Scheduled>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#scheduled.set(id, { id, at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#scheduled.delete(handle as number);
  }

  /** Delays of the timers still pending, relative to now, sorted. */
  pending(): number[] {
    return [...this.#scheduled.values()].map((s) => s.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves the clock forward by `ms`, running every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      await settle();
      const next = [...this.#scheduled.values()]
        .filter((s) => s.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.#scheduled.delete(next.id);
      this.#now = next.at;
      next.callback();
    }
    this.#now = target;
    await settle();
  }
}

/** Lets queued promise callbacks and stream reads run (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A deterministic uniform random in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
