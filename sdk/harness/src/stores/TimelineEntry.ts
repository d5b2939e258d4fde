import type { Actor, Scope } from '@easel/schemas';

/** One line of the live event feed (`useRealtime`), newest last. */
export interface TimelineEntry {
  /** Unique: the envelope's `event_id`, else a local sequence. */
  readonly key: string;
  readonly type: string;
  readonly timestamp: string;
  readonly actor: Actor | null;
  readonly durable: boolean | null;
  readonly scope: Partial<Scope> | null;
  readonly turnId: string | null;
  /** One line a person can read: what happened. */
  readonly summary: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Which stream it came from. */
  readonly source: 'canvas' | 'realtime';
}
