import type { Scope } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, cleanScope, type EnvelopeContext } from './buildEnvelope.ts';

/** The envelope as it was built before: an object with only the fields that are set. */
function referenceEnvelope(eventId: string, type: string, payload: object, ctx: EnvelopeContext): string {
  return JSON.stringify({
    v: 1,
    event_id: eventId,
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

const EVENT_ID = /"event_id":"([0-9A-HJKMNP-TV-Z]{26})"/;

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const scopeArb = fc.record(
  {
    tenant_id: text,
    project_id: text,
    app_id: text,
    surface_id: text,
    mode: text,
    canvas_id: fc.option(text, { nil: undefined }),
    run_id: fc.option(text, { nil: undefined }),
    job_id: fc.option(text, { nil: undefined }),
  },
  { requiredKeys: ['tenant_id', 'project_id', 'app_id', 'surface_id', 'mode'] },
);
const ctxArb = fc.record(
  {
    scope: scopeArb,
    actor: fc.record({ id: text, kind: fc.constantFrom('human', 'agent', 'service') }),
    durable: fc.boolean(),
    causationId: fc.option(text, { nil: undefined }),
    now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    sessionId: fc.option(text, { nil: undefined }),
    turnId: fc.option(text, { nil: undefined }),
  },
  { requiredKeys: ['scope', 'actor', 'durable', 'now'] },
);

describe('buildEnvelope', () => {
  it('[CONTRACT 4] gives the text of the envelope object with only the fields that are set, in contract order', () => {
    fc.assert(
      fc.property(text, fc.jsonValue(), ctxArb, (type, value, ctx) => {
        const payload = { value };
        const built = buildEnvelope(type, payload, ctx as EnvelopeContext);
        const eventId = EVENT_ID.exec(built)?.[1];
        expect(eventId).toBeDefined();
        expect(built).toBe(referenceEnvelope(eventId as string, type, payload, ctx as EnvelopeContext));
      }),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 4] leaves out scope fields that are not strings, like cleanScope', () => {
    const scope = { tenant_id: 't', project_id: 'p', app_id: 'a', surface_id: 's', mode: 'edit', canvas_id: 7 };
    const ctx: EnvelopeContext = {
      scope: scope as unknown as Scope,
      actor: { id: 'u', kind: 'human' },
      durable: true,
      now: 0,
    };
    const parsed = JSON.parse(buildEnvelope('token_patch', {}, ctx)) as { scope: Record<string, unknown> };
    expect(parsed.scope).toEqual({ tenant_id: 't', project_id: 'p', app_id: 'a', surface_id: 's', mode: 'edit' });
  });

  it('[CONTRACT 4] events of one millisecond share the timestamp and get increasing ids', () => {
    const ctx: EnvelopeContext = {
      scope: { tenant_id: 't', project_id: 'p', app_id: 'a', surface_id: 's', mode: 'edit' },
      actor: { id: 'u', kind: 'human' },
      durable: true,
      now: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    };
    const a = JSON.parse(buildEnvelope('x', {}, ctx)) as { event_id: string; timestamp: string };
    const b = JSON.parse(buildEnvelope('x', {}, ctx)) as { event_id: string; timestamp: string };
    const c = JSON.parse(buildEnvelope('x', {}, { ...ctx, now: ctx.now + 1 })) as { timestamp: string };
    expect(a.timestamp).toBe('2026-01-02T03:04:05.006Z');
    expect(b.timestamp).toBe(a.timestamp);
    expect(c.timestamp).toBe('2026-01-02T03:04:05.007Z');
    expect(b.event_id > a.event_id).toBe(true);
  });
});
