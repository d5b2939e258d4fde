import { describe, expect, it } from 'vitest';
import { type JobEventLike, type JobView, reduceJobs, upsertJob } from './reduceJobs.ts';

const ev = (type: string, payload: Record<string, unknown>): JobEventLike => ({
  type,
  payload,
  timestamp: '2026-01-05T10:00:00.000Z',
});
const fold = (events: readonly JobEventLike[], start: readonly JobView[] = []) => events.reduce(reduceJobs, start);

describe('reduceJobs (contract §9 job events)', () => {
  it('[CONTRACT 9] progress, warnings and job_completed build the job view', () => {
    const jobs = fold([
      ev('progress', { job_id: 'j1', plugin: 'thumbnail', percent: 40, message: 'rendering' }),
      ev('warning', { job_id: 'j1', message: 'no GPU: CPU' }),
      ev('frame', { job_id: 'j1', index: 2 }),
      ev('job_completed', {
        job_id: 'j1',
        status: 'succeeded',
        device_requested: 'gpu',
        device_used: 'cpu',
        fallback: true,
        frames: 3,
        plugin_timings: { thumbnail: 120 },
      }),
    ]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      jobId: 'j1',
      status: 'succeeded',
      progress: 100,
      plugin: 'thumbnail',
      fallback: true,
      deviceUsed: 'cpu',
      frames: 3,
      pluginTimings: { thumbnail: 120 },
      warnings: ['no GPU: CPU'],
    });
  });

  it('late telemetry never moves a finished job back', () => {
    const done = fold([
      ev('job_completed', {
        job_id: 'j2',
        status: 'failed',
        device_requested: 'cpu',
        device_used: 'cpu',
        fallback: false,
        frames: 0,
        error: { kind: 'threw', message: 'boom' },
      }),
    ]);
    const after = fold([ev('progress', { job_id: 'j2', percent: 10 })], done);
    expect(after[0]?.status).toBe('failed');
    expect(after[0]?.error).toEqual({ kind: 'threw', message: 'boom' });
    expect(after[0]?.progress).toBeNull();
  });

  it('a 202 arriving after the stream finished the job does not undo it', () => {
    const done = fold([
      ev('job_completed', {
        job_id: 'j3',
        status: 'succeeded',
        device_requested: 'cpu',
        device_used: 'cpu',
        fallback: false,
        frames: 1,
      }),
    ]);
    const late = upsertJob(
      done,
      { job_id: 'j3', status: 'queued', device_requested: 'cpu', device_used: null, fallback: false, frames: 0 },
      'now',
    );
    expect(late).toBe(done);
    const fresh = upsertJob(
      done,
      { job_id: 'j4', status: 'queued', device_requested: 'cpu', device_used: null, fallback: false, frames: 0 },
      'now',
    );
    expect(fresh.map((j) => [j.jobId, j.status])).toEqual([
      ['j3', 'succeeded'],
      ['j4', 'queued'],
    ]);
  });

  it('ignores events that name no job', () => {
    const start = fold([ev('progress', { job_id: 'j5', percent: 1 })]);
    expect(reduceJobs(start, ev('progress', { percent: 50 }))).toBe(start);
    expect(reduceJobs(start, ev('token_patch', { job_id: 'j5' }))).toBe(start);
  });
});
