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

/** The envelope JSON text of one event: `{v, event_id, type, timestamp, scope, actor, durable, causation_id?, session_id?, turn_id?, payload}`. */
export function buildEnvelope(type: string, payload: object, ctx: EnvelopeContext): string {
  return JSON.stringify({
    v: 1,
    event_id: nextUlid(ctx.now),
    type,
    timestamp: new Date(ctx.now).toISOString(),
    scope: cleanScope(ctx.scope),
    actor: { id: ctx.actor.id, kind: ctx.actor.kind },
    durable: ctx.durable,
    ...(ctx.causationId !== undefined ? { causation_id: ctx.causationId } : {}),
    ...(ctx.sessionId !== undefined ? { session_id: ctx.sessionId } : {}),
    ...(ctx.turnId !== undefined ? { turn_id: ctx.turnId } : {}),
    payload,
  });
}
