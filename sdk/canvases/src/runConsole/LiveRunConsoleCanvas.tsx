import { type CanvasProps, defineCanvas, useRunStream, useStartRun, useTurns } from '@easel/harness';
import { type ReactNode, useCallback, useEffect } from 'react';
import type { RunConsoleProjection } from './projectRunConsole.ts';
import { RunConsoleCanvas } from './RunConsoleCanvas.tsx';
import type { StartRun } from './RunStarter.tsx';
import { runConsoleCanvas } from './runConsoleCartridge.ts';

/** What a run started from the console may use: the canvas-stats tool, within a small budget. */
const CONSOLE_RUN = {
  tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
  budget: { tokens: 20_000, time_ms: 60_000, width: 2, reflection: 0 },
} as const;

/**
 * The run console fed live through the harness: the selected run's stream, this canvas's turns,
 * and a start for new runs (`useStartRun`). When the followed run's verdict arrives and the
 * record still says `running`, the record is brought up to date (`status: 'ended'`, `verdict`).
 */
export function LiveRunConsoleCanvas(props: CanvasProps<RunConsoleProjection>): ReactNode {
  const { projection, emit, readOnly } = props;
  const run = useRunStream(projection.selectedRunId);
  const { turns } = useTurns();
  const start = useStartRun();
  const startRun = useCallback<StartRun>(
    async (goal) => {
      const started = await start({ goal, tools: [...CONSOLE_RUN.tools], budget: { ...CONSOLE_RUN.budget } });
      return started.ok
        ? { ok: true, runId: started.value.runId }
        : { ok: false, code: started.error.code, message: started.error.message };
    },
    [start],
  );
  const verdict = run.verdict?.verdict ?? null;
  const record = projection.runs.find((r) => r.id === run.runId) ?? null;
  const stale = !readOnly && verdict !== null && record !== null && record.status === 'running';
  useEffect(() => {
    if (!stale || record === null || verdict === null) return;
    void emit.ops([
      { op: 'update', root: 'runs', key: record.id, path: ['status'], value: 'ended' },
      { op: 'update', root: 'runs', key: record.id, path: ['verdict'], value: verdict },
    ]);
  }, [stale, record, verdict, emit]);
  return <RunConsoleCanvas {...props} run={run} turns={turns} startRun={startRun} />;
}

/** `run-console` wired to the provider's live run and turn feeds (the host app and stories use it). */
export const liveRunConsoleCanvas = defineCanvas({ ...runConsoleCanvas, Component: LiveRunConsoleCanvas });
