import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { canvasRevertCommandPayloadSchema } from '../commands/payloads/canvasRevertCommandPayloadSchema.ts';
import { describeZodError } from '../errors/describeZodError.ts';
import { canvasCommitPayloadSchema } from '../events/payloads/canvasCommitPayloadSchema.ts';
import { runStartedPayloadSchema } from '../events/payloads/runStartedPayloadSchema.ts';
import { isDurableEvent } from '../events/eventTypes.ts';
import { RUN_CREATE_COMMAND } from './runCommandTypes.ts';
import { runInfoSchema } from './runInfoSchema.ts';
import { taskSpecSchema } from './taskSpecSchema.ts';

function messageOf(r: { success: boolean; error?: z.ZodError }): string {
  return r.success || !r.error ? '' : describeZodError(r.error).message;
}

const task = {
  goal: 'add three notes about testing',
  budget: { tokens: 1000, time_ms: 5000, width: 2, reflection: 0 },
  verify: {},
};

describe('[CONTRACT 10] run shapes', () => {
  it('canvas.revert takes exactly one of revision and run_id', () => {
    expect(canvasRevertCommandPayloadSchema.safeParse({ revision: 3 }).success).toBe(true);
    expect(canvasRevertCommandPayloadSchema.safeParse({ run_id: '01J9ZQ5W8XKQ3N4M5P6R7S8T9W' }).success).toBe(true);
    expect(messageOf(canvasRevertCommandPayloadSchema.safeParse({}))).toBe('revision: required');
    expect(messageOf(canvasRevertCommandPayloadSchema.safeParse({ revision: 1, run_id: 'r1' }))).toBe(
      'run_id: give revision or run_id, not both',
    );
    expect(messageOf(canvasRevertCommandPayloadSchema.safeParse({ run_id: 'Not A Slug' }))).toMatch(/^run_id: must be/);
  });

  it('canvas.revert payloads: valid iff exactly one well-formed field', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }),
        fc.option(fc.constantFrom('r1', 'run-2', '01J9ZQ5W8XKQ3N4M5P6R7S8T9W', 'BAD ID'), { nil: undefined }),
        (revision, runId) => {
          const payload: Record<string, unknown> = {};
          if (revision !== undefined) payload.revision = revision;
          if (runId !== undefined) payload.run_id = runId;
          const valid =
            (revision !== undefined) !== (runId !== undefined) &&
            (revision === undefined || revision >= 0) &&
            runId !== 'BAD ID';
          expect(canvasRevertCommandPayloadSchema.safeParse(payload).success).toBe(valid);
        },
      ),
    );
  });

  it('run_started is durable and carries the accepted task', () => {
    expect(isDurableEvent('run_started')).toBe(true);
    const accepted = taskSpecSchema.parse(task);
    expect(runStartedPayloadSchema.safeParse({ run_id: 'r1', task: accepted }).success).toBe(true);
    expect(runStartedPayloadSchema.safeParse({ run_id: 'r1' }).success).toBe(false);
  });

  it('canvas_commit of a run revert lists its conflicts', () => {
    const payload = {
      revision: 7,
      commit_id: '01J9ZQ5W8XKQ3N4M5P6R7S8T9W',
      message: 'revert run r1',
      kind: 'revert',
      reverted_run: 'r1',
      restored: [{ root: 'notes', key: 'a' }],
      conflicts: [{ root: 'notes', key: 'b', reason: 'changed_since_run' }],
    };
    expect(canvasCommitPayloadSchema.safeParse(payload).success).toBe(true);
    expect(canvasCommitPayloadSchema.safeParse({ ...payload, conflicts: [{ root: 'notes' }] }).success).toBe(false);
  });

  it('GET /v1/runs/{id} answer', () => {
    const info = {
      run_id: 'r1',
      status: 'passed',
      scope: { tenant_id: 'acme', project_id: 'demo', app_id: 'host', surface_id: 'main', mode: 'agent', run_id: 'r1' },
      actor: { id: 'ada', kind: 'human' },
      task: taskSpecSchema.parse(task),
      usage: { tokens: 10, time_ms: 5, tool_calls: 1, rounds: 2, reflections: 0, max_parallel_tools: 1 },
      verdict: { run_id: 'r1', kind: 'verdict', verdict: 'pass' },
      revisions: [3],
      created_at: '2025-01-02T03:04:05.678Z',
      finished_at: '2025-01-02T03:04:06.000Z',
    };
    expect(runInfoSchema.safeParse(info).success).toBe(true);
    expect(runInfoSchema.safeParse({ ...info, status: 'done' }).success).toBe(false);
    expect(RUN_CREATE_COMMAND).toBe('run.create');
  });
});
