import type { RunEvent } from '@easel/schemas';
import type { CanvasTransport } from '@easel/transport';
import { errResult, type HarnessResult, okResult } from '../lib/HarnessResult.ts';
import type { HarnessApi, LensMe, RunStreamListener } from './HarnessApi.ts';

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; status?: number } };

function result<T>(answer: Answer<T>): HarnessResult<T> {
  return answer.ok ? okResult(answer.value) : errResult(answer.error.code, answer.error.message, answer.error.status);
}

const NO_LENS = 'your permissions are not known to this view (pass api={createHarnessApi(...)}); the gateway decides';
const NO_HISTORY = 'earlier turns are not known to this view (pass api={createHarnessApi(...)}); new ones show live';

/**
 * A {@link HarnessApi} over the transport's own clients (`transport.plugins`, `.jobs`, `.runs`),
 * which share its retries, token refresh and stream resume. The transport does not reveal its
 * token, so `lensMe` and `listTurns` come from the callers given, else answer `unavailable` (panels
 * then let the gateway decide and show its refusals; the chat shows turns from now on).
 */
export function harnessApiFromTransport(
  transport: CanvasTransport,
  lensMe?: () => Promise<HarnessResult<LensMe>>,
  listTurns?: HarnessApi['listTurns'],
): HarnessApi {
  return {
    listPlugins: async () => result(await transport.plugins.list()),
    inspectPlugin: async (name) => result(await transport.plugins.inspect(name)),
    startJob: async (request) => result(await transport.jobs.create(request)),
    getJob: async (jobId) => result(await transport.jobs.get(jobId)),
    lensMe: lensMe ?? (async () => errResult('unavailable', NO_LENS)),
    listTurns: listTurns ?? (async () => errResult('unavailable', NO_HISTORY)),
    startRun: async (task) => {
      // `create` follows the run at once, until its verdict (then its stream closes); it keeps
      // one event for late readers, as the harness follows the run with `subscribeRun`.
      const created = await transport.runs.create(task, { maxEvents: 1 });
      return created.ok ? okResult({ runId: created.value.id }) : result(created);
    },
    subscribeRun(runId: string, listener: RunStreamListener): () => void {
      const run = transport.runs.open(runId);
      listener.onStatus('connecting');
      const offEvent = run.onEvent((event) => {
        if (event.type === 'run_event') listener.onEvent(event.payload as RunEvent);
      });
      const offStatus = run.onStatus((status) => {
        if (status === 'open') listener.onStatus('live');
        else if (status === 'reconnecting' || status === 'offline') listener.onStatus('connecting');
      });
      let closed = false;
      void run.done.then((done) => {
        if (closed) return;
        if (done.ok) listener.onStatus('ended');
        else if (done.error.code !== 'closed') listener.onStatus('error', done.error.message);
      });
      return () => {
        closed = true;
        offEvent();
        offStatus();
        run.close();
      };
    },
  };
}
