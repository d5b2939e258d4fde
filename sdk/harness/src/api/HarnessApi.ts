import type {
  ExtendedJobResponse,
  JobRequest,
  PluginHealth,
  PluginInspector,
  RunEvent,
  Scope,
  TurnHistory,
} from '@easel/schemas';
import type { RunTask } from '@easel/transport';
import type { HarnessResult } from '../lib/HarnessResult.ts';
import type { EffectivePermissions } from './effectivePermissions.ts';

/** A job request; `scope` defaults to the provider's transport scope (without the canvas). */
export type JobStartRequest = Omit<JobRequest, 'scope'> & { scope?: Scope };

/** What the caller may do in the project: its roles and the union of their permissions (contract §6). */
export interface LensMe {
  readonly actorId: string | null;
  readonly roles: readonly string[];
  readonly permissions: EffectivePermissions;
}

/** Where a run stream is. */
export type RunStreamStatus = 'idle' | 'connecting' | 'live' | 'ended' | 'error';

/** Callbacks of {@link HarnessApi.subscribeRun}. */
export interface RunStreamListener {
  onEvent(event: RunEvent): void;
  onStatus(status: RunStreamStatus, error?: string): void;
}

/**
 * The small HTTP surface the harness needs beyond the canvas stream: plugins, jobs, the caller's
 * lens and run streams. {@link createHarnessApi} is the default over the gateway;
 * `createRecordedApi` (testing) replays a recording.
 */
export interface HarnessApi {
  /** `GET /v1/plugins`: every plugin's health. */
  listPlugins(): Promise<HarnessResult<PluginHealth[]>>;
  /** `GET /v1/plugins/{name}`: inspector (manifest metadata, timings, recent problems). */
  inspectPlugin(name: string): Promise<HarnessResult<PluginInspector>>;
  /** `POST /v1/jobs` (202). */
  startJob(request: JobStartRequest): Promise<HarnessResult<ExtendedJobResponse>>;
  /** `GET /v1/jobs/{job_id}`. */
  getJob(jobId: string): Promise<HarnessResult<ExtendedJobResponse>>;
  /** The caller's effective permissions in the provider's project. */
  lensMe(): Promise<HarnessResult<LensMe>>;
  /**
   * `GET /v1/canvases/{canvas_id}/turns`: a canvas's recent agent turns as their durable events
   * (for a page opened after them); `canvasId` defaults to the API scope's canvas, `limit` to 20
   * (1–50). `unavailable` when this API cannot ask.
   */
  listTurns(options?: { canvasId?: string; limit?: number }): Promise<HarnessResult<TurnHistory>>;
  /** `POST /v1/runs` in the API's scope (contract §10): starts an agent run; answers its id. */
  startRun(task: RunTask): Promise<HarnessResult<{ runId: string }>>;
  /** Follows `/v1/runs/{run_id}/events`; returns the unsubscribe. */
  subscribeRun(runId: string, listener: RunStreamListener): () => void;
}
