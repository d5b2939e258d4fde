import type { Scope } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, type EnvelopeContext } from './buildEnvelope.ts';
import { sizedEnvelopes } from './sizedEnvelopes.ts';

const scope: Scope = {
  tenant_id: 't1',
  project_id: 'p1',
  app_id: 'a1',
  surface_id: 's1',
  mode: 'edit',
  canvas_id: 'c1',
};
const ctx: EnvelopeContext = {
  scope,
  actor: { id: 'u1', kind: 'human' },
  durable: true,
  causationId: 'cmd-1',
  now: Date.UTC(2026, 0, 1),
};

describe('sizedEnvelopes', () => {
  it('[CONTRACT 4] builds one envelope per event, in order, with the shared context', () => {
    const r = sizedEnvelopes(
      [
        { type: 'state_patch', payload: { revision: 1 } },
        { type: 'canvas_commit', payload: { revision: 1, message: 'm' } },
      ],
      ctx,
      64 * 1024,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const parsed = r.value.map((e) => JSON.parse(e) as Record<string, unknown>);
    expect(parsed.map((e) => e.type)).toEqual(['state_patch', 'canvas_commit']);
    expect(parsed.map((e) => e.payload)).toEqual([{ revision: 1 }, { revision: 1, message: 'm' }]);
    for (const e of parsed) {
      expect(e).toMatchObject({ v: 1, durable: true, causation_id: 'cmd-1', actor: { id: 'u1', kind: 'human' } });
      expect(e.timestamp).toBe('2026-01-01T00:00:00.000Z');
    }
  });

  it('[CONTRACT 4] an event over the limit is 413 payload_too_large naming it, with its size and the limit', () => {
    const small = { type: 'token_patch', payload: { v: 'x' } };
    const big = { type: 'state_patch', payload: { v: 'é'.repeat(600) } };
    const limit = 1000;
    const r = sizedEnvelopes([small, big, big], ctx, limit);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const bytes = Buffer.byteLength(buildEnvelope(big.type, big.payload, ctx));
    expect(bytes).toBeGreaterThan(limit);
    expect(r.error).toEqual({
      code: 'payload_too_large',
      message: `the state_patch event would be ${bytes} bytes; the limit is ${limit}`,
      details: { limit, bytes },
    });
  });

  it('[CONTRACT 4] accepts exactly when every envelope fits (bytes of UTF-8, not characters)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 80 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 200, max: 700 }),
        (texts, limit) => {
          const events = texts.map((text) => ({ type: 'token_patch', payload: { text } }));
          const sizes = events.map((e) => Buffer.byteLength(buildEnvelope(e.type, e.payload, ctx)));
          const r = sizedEnvelopes(events, ctx, limit);
          const firstOver = sizes.findIndex((s) => s > limit);
          if (firstOver === -1) {
            expect(r.ok && r.value.map((e) => Buffer.byteLength(e))).toEqual(sizes);
          } else {
            expect(r.ok ? null : r.error.details).toEqual({ limit, bytes: sizes[firstOver] });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
