import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../commands/buildEnvelope.ts';
import { envelopeRunId } from './envelopeRunId.ts';

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/);

describe('[CONTRACT 4] envelopeRunId (run stream filter)', () => {
  it('agrees with JSON.parse on gateway envelopes, whatever the payload holds', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(
        fc.option(slug, { nil: undefined }),
        fc.option(slug, { nil: undefined }),
        fc.jsonValue(),
        (runId, canvasId, payload) => {
          const scope = {
            tenant_id: 'acme',
            project_id: 'p',
            app_id: 'a',
            surface_id: 's',
            mode: 'm',
            ...(canvasId !== undefined ? { canvas_id: canvasId } : {}),
            ...(runId !== undefined ? { run_id: runId } : {}),
          };
          const text = buildEnvelope(
            'run_event',
            { run_id: 'decoy', nested: payload },
            {
              scope,
              actor: { id: 'x', kind: 'agent' },
              durable: true,
              now: 0,
            },
          );
          expect(envelopeRunId(text)).toBe(runId ?? null);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('falls back to parsing, and answers null for junk', () => {
    expect(envelopeRunId('{"payload":{"x":1},"scope":{"run_id":"r9","tenant_id":"a"}}')).toBe('r9');
    expect(envelopeRunId('{"payload":{"run_id":"r1"}}')).toBeNull();
    expect(envelopeRunId('not json')).toBeNull();
    expect(envelopeRunId('')).toBeNull();
  });
});
