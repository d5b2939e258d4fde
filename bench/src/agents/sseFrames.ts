/** Minimal SSE framing for the agents bench's lightweight readers (no EventSource, no transport). */

/** Splits SSE text into whole frames (`\n\n`-terminated); keeps a partial frame for the next chunk. */
export class FrameSplitter {
  #buffer = '';

  /** Adds decoded text; returns the frames it completed, in order. */
  push(text: string): string[] {
    this.#buffer += text;
    const frames: string[] = [];
    let end = this.#buffer.indexOf('\n\n');
    let start = 0;
    while (end !== -1) {
      frames.push(this.#buffer.slice(start, end));
      start = end + 2;
      end = this.#buffer.indexOf('\n\n', start);
    }
    this.#buffer = this.#buffer.slice(start);
    return frames;
  }
}

/** One frame's `event:` and `data:` (comments and other fields ignored). */
export function parseFrame(frame: string): { event: string | null; data: string } {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return { event, data: data.join('\n') };
}

/**
 * Counts occurrences of a byte pattern in a stream of chunks, including one split across two
 * chunks (the last `pattern.length - 1` bytes are carried over).
 */
export class PatternCounter {
  readonly #pattern: Buffer;
  #tail: Buffer = Buffer.alloc(0);

  constructor(pattern: string) {
    if (pattern.length === 0) throw new Error('PatternCounter: empty pattern');
    this.#pattern = Buffer.from(pattern, 'utf8');
  }

  /** Occurrences that end inside `chunk`. */
  count(chunk: Buffer): number {
    const keep = this.#pattern.length - 1;
    const joined = this.#tail.length > 0 ? Buffer.concat([this.#tail, chunk]) : chunk;
    let n = 0;
    let at = joined.indexOf(this.#pattern);
    while (at !== -1) {
      n += 1;
      at = joined.indexOf(this.#pattern, at + this.#pattern.length);
    }
    // Carry the last bytes unless they are the end of a match just counted.
    const lastMatchEnd = n > 0 ? joined.lastIndexOf(this.#pattern) + this.#pattern.length : 0;
    const from = Math.max(joined.length - keep, lastMatchEnd);
    this.#tail = Buffer.from(joined.subarray(from));
    return n;
  }
}
