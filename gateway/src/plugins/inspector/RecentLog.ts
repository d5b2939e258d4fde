/** One remembered warning or error. */
export interface RecentEntry {
  /** ISO-8601 time. */
  readonly at: string;
  readonly tool?: string;
  readonly message: string;
}

/** The last `capacity` entries, oldest first (a ring of fixed size). */
export class RecentLog {
  private readonly entries: RecentEntry[] = [];

  constructor(
    private readonly capacity = 50,
    private readonly now: () => number = Date.now,
  ) {}

  add(message: string, tool?: string): void {
    const text = message.length > 2000 ? `${message.slice(0, 1999)}…` : message;
    const entry: RecentEntry = { at: new Date(this.now()).toISOString(), message: text, ...(tool ? { tool } : {}) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): RecentEntry[] {
    return [...this.entries];
  }
}
