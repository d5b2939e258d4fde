import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { JobStartRequest } from '../api/HarnessApi.ts';
import { type HarnessResult, okResult } from '../lib/HarnessResult.ts';
import { useHarness } from '../provider/HarnessContext.ts';
import type { JobView } from '../stores/reduceJobs.ts';

/** `useJobs()`: jobs seen on this canvas (started here or streamed), newest last. */
export interface JobsView {
  readonly jobs: readonly JobView[];
  /** The most recently updated job that is still queued or running, else the last job. */
  readonly current: JobView | null;
  /** `POST /v1/jobs`; scope defaults to this canvas's, so its events stream here. */
  start(request: JobStartRequest): Promise<HarnessResult<{ job_id: string }>>;
}

export function useJobs(): JobsView {
  const stores = useHarness();
  const jobs = useSyncExternalStore(stores.jobs.subscribe, stores.jobs.getSnapshot, stores.jobs.getSnapshot);
  const start = useCallback(
    async (request: JobStartRequest): Promise<HarnessResult<{ job_id: string }>> => {
      const started = await stores.api.startJob({ ...request, scope: request.scope ?? stores.transport.scope });
      if (!started.ok) return started;
      stores.recordJob(started.value);
      return okResult({ job_id: started.value.job_id });
    },
    [stores],
  );
  const current = useMemo(() => {
    for (let i = jobs.length - 1; i >= 0; i--) {
      const job = jobs[i]!;
      if (job.status === 'queued' || job.status === 'running') return job;
    }
    return jobs.at(-1) ?? null;
  }, [jobs]);
  return useMemo(() => ({ jobs, current, start }), [jobs, current, start]);
}
