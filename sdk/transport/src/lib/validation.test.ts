import { describe, expect, it } from 'vitest';
import type { ProtocolError } from '../sse/SseReader.ts';
import { seededRandom, settle } from '../testing/ManualTimers.ts';
import { TEST_MANIFEST, cursorOf, frame, readyFrame, tokenPatch } from '../testing/frames.ts';
import { openStream } from '../testing/openStream.ts';
import { testTransport } from '../testing/testTransport.ts';
import { type ValidationMode, answerParser, describeIssues } from './validation.ts';

async function open(validate: ValidationMode) {
  const { transport, fake } = testTransport({ random: seededRandom(3), validate });
  const problems: ProtocolError[] = [];
  transport.onProtocolError((p) => problems.push(p));
  const { stream } = await openStream({ transport, fake });
  return { transport, stream, problems };
}

describe('validation modes', () => {
  it('[CONTRACT 4] both modes refuse a malformed payload: telemetry is skipped, a durable event (the mirror would miss it) resyncs', async () => {
    for (const validate of ['structural', 'full'] as const) {
      const { transport, stream, problems } = await open(validate);
      stream.push(readyFrame({ cursor: cursorOf(1), revision: 1 }));
      stream.push(frame('progress', { job_id: 'j1', percent: 500 }, null, { durable: false }));
      stream.push(tokenPatch('plan.title', 'kept', 2, cursorOf(2)));
      stream.push(frame('token_patch', { token_id: 'plan.title', op: 'set', value: 'x', revision: -1 }, cursorOf(3)));
      stream.push(tokenPatch('plan.title', 'after the gap', 4, cursorOf(4)));
      await settle();
      expect(
        problems.map((p) => [p.reason, p.message.split(' ', 2).join(' '), p.message.endsWith('; resyncing')]),
      ).toEqual([
        ['bad_event', 'progress payload.percent:', false],
        ['bad_event', 'token_patch payload.revision:', true],
      ]);
      expect(transport.tokens['plan.title']).toBe('kept');
      expect(transport.status).toBe('reconnecting');
      transport.close();
    }
  });

  it("[CONTRACT 4] refinements are checked by 'full' only (the zod schemas), never by the structural guards", async () => {
    // A manifest with no roots breaks a `.superRefine` of canvasTypeManifestSchema, nothing structural.
    const manifest = { ...TEST_MANIFEST, roots: {} };
    const verdicts: Record<string, string[]> = {};
    for (const validate of ['structural', 'full'] as const) {
      const { transport, stream, problems } = await open(validate);
      stream.push(readyFrame({ cursor: cursorOf(1), revision: 1, manifest }));
      await settle();
      verdicts[validate] = problems.map((p) => p.reason);
      expect(transport.revision).toBe(validate === 'full' ? null : 1);
      transport.close();
    }
    expect(verdicts).toEqual({ structural: [], full: ['bad_event'] });
  });

  it('answers are read with their guard, or with the zod schema of the same name in full mode', async () => {
    const answer = { status: 'committed', cursor: cursorOf(4), revision: 3, extra: true };
    for (const validate of ['structural', 'full'] as const) {
      const parser = await answerParser(validate, 'commandOutcome');
      // Unknown keys of a non-loose object are dropped by both.
      expect(parser.safeParse(answer)).toEqual({
        success: true,
        data: { status: 'committed', cursor: cursorOf(4), revision: 3 },
      });
      const refused = parser.safeParse({ ...answer, revision: 'three' });
      expect(refused.success).toBe(false);
      if (!refused.success) expect(describeIssues(refused.error)).toMatch(/^revision: /);
    }
  });

  it('describeIssues names the dotted path of the first issue', () => {
    expect(describeIssues({ issues: [{ path: ['actor', 'color'], message: 'bad' }] }, 'state')).toBe(
      'state.actor.color: bad',
    );
    expect(describeIssues({ issues: [{ path: ['plugins', 0, 'state'], message: 'x' }] })).toBe('plugins.0.state: x');
    expect(describeIssues({ issues: [] })).toBe('(root): invalid');
  });
});
