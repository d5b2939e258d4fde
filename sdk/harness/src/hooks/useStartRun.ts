import type { RunTask } from '@easel/transport';
import { useCallback } from 'react';
import type { HarnessResult } from '../lib/HarnessResult.ts';
import { useHarness } from '../provider/HarnessContext.ts';

/** `useStartRun()`: starts an agent run in the provider's scope (`POST /v1/runs`, contract §10); answers its id. */
export function useStartRun(): (task: RunTask) => Promise<HarnessResult<{ runId: string }>> {
  const { api } = useHarness();
  return useCallback((task: RunTask) => api.startRun(task), [api]);
}
