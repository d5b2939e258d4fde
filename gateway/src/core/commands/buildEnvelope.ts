import type { Actor, Scope } from '@easel/schemas';
import { createUlidFactory } from '../ids/fastUlid.ts';

const nextUlid = createUlidFactory();

/** Who, where and why of an event envelope (contract §4). */
export interface EnvelopeContext {
  readonly scope: Scope;
  readonly actor: Actor;
  readonly durable: boolean;
  /** The command that caused the event. */
  readonly causationId?: string;
  /** Clock reading (ms) for `timestamp` and the ULID's time part. */
  readonly now: number;
  /** Interaction session and turn of chat/turn events (contract §4 envelope). */
  readonly sessionId?: string;
  readonly turnId?: string;
}

/** Copies only the scope fields that are set (no `undefined` keys in stored JSON). */
export function cleanScope(scope: Scope): Scope {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(scope)) if (typeof v === 'string') out[k] = v;
  return out as Scope;
}

/** `scope` itself when every field is a string or unset (what `cleanScope` keeps), else its clean copy. */
function stringFieldsOnly(scope: Scope): Scope {
  for (const key in scope) {
    const value = (scope as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'string') return cleanScope(scope);
  }
  return scope;
}

/** The last `timestamp` built: the events of one command (and of one millisecond) share it. */
let lastMs = Number.NaN;
let lastIso = '';

function isoTimestamp(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/**
 * The envelope JSON text of one event: `{v, event_id, type, timestamp, scope, actor, durable,
 * causation_id?, session_id?, turn_id?, payload}`. One object of a fixed shape: `JSON.stringify`
 * leaves out the optional fields that are `undefined` (and the scope's unset ones), so the text is
 * the one of an object built with only the fields that are set, without the spreads and copies
 * (this runs for every event on the command path).
 */
export function buildEnvelope(type: string, payload: object, ctx: EnvelopeContext): string {
  return JSON.stringify({
    v: 1,
    event_id: nextUlid(ctx.now),
    type,
    timestamp: isoTimestamp(ctx.now),
    scope: stringFieldsOnly(ctx.scope),
    actor: { id: ctx.actor.id, kind: ctx.actor.kind },
    durable: ctx.durable,
    causation_id: ctx.causationId,
    session_id: ctx.sessionId,
    turn_id: ctx.turnId,
    payload,
  });
}
