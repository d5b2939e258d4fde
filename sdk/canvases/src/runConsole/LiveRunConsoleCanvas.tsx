import { type CanvasProps, defineCanvas, useRunStream, useTurns } from '@easel/harness';
import type { ReactNode } from 'react';
import type { RunConsoleProjection } from './projectRunConsole.ts';
import { RunConsoleCanvas } from './RunConsoleCanvas.tsx';
import { runConsoleCanvas } from './runConsoleCanvas.ts';

/** The run console fed live through the harness: the selected run's stream and this canvas's turns. */
export function LiveRunConsoleCanvas(props: CanvasProps<RunConsoleProjection>): ReactNode {
  const run = useRunStream(props.projection.selectedRunId);
  const { turns } = useTurns();
  return <RunConsoleCanvas {...props} run={run} turns={turns} />;
}

/** `run-console` wired to the provider's live run and turn feeds (the host app and stories use it). */
export const liveRunConsoleCanvas = defineCanvas({ ...runConsoleCanvas, Component: LiveRunConsoleCanvas });
