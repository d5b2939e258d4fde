import { describe, expect, it } from 'vitest';
import { TEST_SCOPE } from '../testing/frames.ts';
import { testApi } from '../testing/testApi.ts';
import { JobsClient } from './JobsClient.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

const QUERY = 'tenant_id=acme&project_id=demo&app_id=studio&surface_id=main&mode=edit';
const JOB = { job_id: 'j1', status: 'queued', device_requested: 'gpu', device_used: null, fallback: false, frames: 0 };

function setup() {
  const { timers, fake, api } = testApi({ validate: mode.current, seed: 5 });
  return { timers, fake, jobs: new JobsClient(api) };
}

const mode = forEachValidationMode(() => {
  describe('transport.jobs', () => {
    it('[CONTRACT 9] create posts the request with the scope and answers the ExtendedJobResponse', async () => {
      const { fake, jobs } = setup();
      const creating = jobs.create({ pipeline: ['canvas-stats'], device_requested: 'gpu', input: { canvas_id: 'c1' } });
      const post = await fake.next();
      expect(post.url).toBe('http://gw.test/v1/jobs');
      expect(post.headers.authorization).toBe('Bearer tok');
      expect(JSON.parse(post.body ?? '{}')).toEqual({
        pipeline: ['canvas-stats'],
        device_requested: 'gpu',
        input: { canvas_id: 'c1' },
        scope: TEST_SCOPE,
      });
      post.respondJson(202, { ...JOB, pipeline: ['canvas-stats'] });
      expect(await creating).toEqual({ ok: true, value: { ...JOB, pipeline: ['canvas-stats'] } });
    });

    it('[CONTRACT 9] get reads the job with the scope in the query; unknown jobs are not_found', async () => {
      const { fake, jobs } = setup();
      const getting = jobs.get('j1');
      const get = await fake.next();
      expect(get.url).toBe(`http://gw.test/v1/jobs/j1?${QUERY}`);
      get.respondJson(200, { ...JOB, status: 'succeeded', device_used: 'cpu', fallback: true, frames: 3 });
      expect(await getting).toMatchObject({ ok: true, value: { status: 'succeeded', fallback: true } });
      const missing = jobs.get('j2');
      (await fake.next()).respondJson(404, { error: { code: 'not_found', message: 'no job j2', request_id: 'r' } });
      expect(await missing).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'no job j2', status: 404, requestId: 'r' },
      });
    });

    it('[CONTRACT 3] refusals and wrong shapes are coded values; a POST is never repeated', async () => {
      const { fake, jobs } = setup();
      const refused = jobs.create({ pipeline: [], device_requested: 'cpu', input: {} });
      (await fake.next()).respondJson(400, {
        error: { code: 'validation_failed', message: 'pipeline: must have at least 1 item', request_id: 'r' },
      });
      expect(await refused).toMatchObject({ ok: false, error: { code: 'validation_failed', message: /^pipeline/ } });
      const down = jobs.create({ pipeline: ['x'], device_requested: 'cpu', input: {} });
      (await fake.next()).respondJson(503, { error: { code: 'unavailable', message: 'busy', request_id: 'r' } });
      expect(await down).toMatchObject({ ok: false, error: { code: 'unavailable', status: 503 } });
      expect(fake.untaken).toBe(0);
      const odd = jobs.get('j1');
      (await fake.next()).respondJson(200, { job_id: 'j1', status: 'exploded' });
      expect(await odd).toMatchObject({ ok: false, error: { code: 'protocol', message: /status/ } });
    });
  });
});
