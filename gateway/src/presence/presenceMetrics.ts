import type { PRESENCE_CLOSE_REASONS, PRESENCE_REFUSALS } from '@easel/schemas';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GuardOutcome } from './SocketGuard.ts';

/** Presence counters on the gateway's registry (`/metrics`). */
export interface PresenceMetrics {
  /** Open presence sockets. */
  sockets(delta: 1 | -1): void;
  /** A ticket was accepted, or refused for `reason`. */
  authentication(outcome: 'accepted' | keyof typeof PRESENCE_REFUSALS): void;
  /** The gateway closed a socket or a document connection for `reason` (`slow_consumer`: cut, it did not read). */
  closed(reason: keyof typeof PRESENCE_CLOSE_REASONS | 'slow_consumer'): void;
  /** Reports the live presence sessions and loaded presence documents at each scrape. */
  observe(stats: () => { sessions: number; documents: number }): void;
  /** What the socket guard did with one message. */
  message(outcome: GuardOutcome): void;
}

/** Registers the presence metrics (`easel_presence_*`) on `registry`. */
export function presenceMetrics(registry: Registry, prefix = 'easel_'): PresenceMetrics {
  const sockets = new Gauge({
    name: `${prefix}presence_sockets`,
    help: 'Open presence WebSockets.',
    registers: [registry],
  });
  const auth = new Counter({
    name: `${prefix}presence_authentications_total`,
    help: 'Presence ticket checks, by outcome (accepted or the refusal reason).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const closed = new Counter({
    name: `${prefix}presence_closed_total`,
    help: 'Presence connections the gateway closed, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const messages = new Counter({
    name: `${prefix}presence_messages_total`,
    help: 'Presence messages checked, by outcome (accepted, coalesced, invalid, foreign, dropped).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  let stats: (() => { sessions: number; documents: number }) | null = null;
  new Gauge({
    name: `${prefix}presence_sessions`,
    help: 'Authenticated presence document connections.',
    registers: [registry],
    collect() {
      if (stats) this.set(stats().sessions);
    },
  });
  new Gauge({
    name: `${prefix}presence_documents`,
    help: 'Presence documents loaded in Hocuspocus.',
    registers: [registry],
    collect() {
      if (stats) this.set(stats().documents);
    },
  });
  // Label children looked up once: the message counter is on the hot path.
  const outcomes = new Map<GuardOutcome, { inc(): void }>();
  for (const o of [
    'awareness_accepted',
    'awareness_coalesced',
    'awareness_invalid',
    'awareness_foreign',
    'message_dropped',
  ] satisfies GuardOutcome[]) {
    outcomes.set(o, messages.labels({ outcome: o }));
  }
  return {
    sockets: (delta) => sockets.inc(delta),
    authentication: (outcome) => auth.inc({ outcome }),
    closed: (reason) => closed.inc({ reason }),
    message: (outcome) => outcomes.get(outcome)?.inc(),
    observe: (fn) => {
      stats = fn;
    },
  };
}
