import type { CanvasProps } from '@easel/harness';
import { useId } from 'react';
import { ReadOnlyBadge } from '../lib/ReadOnlyBadge.tsx';
import { RejectedNotice } from '../lib/RejectedNotice.tsx';
import type { RunConsoleProjection } from './projectRunConsole.ts';
import { RunConsole, type RunConsoleTurn, type RunFeed } from './RunConsole.tsx';
import { RunStarter, type StartRun } from './RunStarter.tsx';

/**
 * Props of the run-console canvas: the cartridge contract plus, optionally, the live feed of the
 * selected run (`useRunStream(projection.selectedRunId)`) and the canvas's turns (`useTurns().turns`).
 * Without them it lists the recorded runs and says where the live events are.
 */
export type RunConsoleCanvasProps = CanvasProps<RunConsoleProjection> & {
  run?: RunFeed | null;
  turns?: readonly RunConsoleTurn[];
  /** Starts an agent run (the host's `POST /v1/runs`); absent: the console offers no start. */
  startRun?: StartRun;
};

/** The run-console canvas: recorded runs (choose which one the console follows) and the RunConsole. */
export function RunConsoleCanvas(props: RunConsoleCanvasProps) {
  const { projection, emit, readOnly, rejected } = props;
  const headingId = useId();
  const selected = projection.selectedRunId;
  const feed = props.run !== undefined && props.run !== null && props.run.runId === selected ? props.run : null;
  return (
    <section className="easel-run-console-canvas" aria-labelledby={headingId}>
      <header>
        <h2 id={headingId}>{projection.title === '' ? 'Run console' : projection.title}</h2>
        <ReadOnlyBadge readOnly={readOnly} />
      </header>
      <RejectedNotice rejected={rejected} />
      {!readOnly && props.startRun ? <RunStarter startRun={props.startRun} emit={emit} /> : null}
      {projection.runs.length === 0 ? (
        <p className="easel-run-none">
          No runs recorded on this canvas yet{!readOnly && props.startRun ? ': start one above.' : '.'}
        </p>
      ) : (
        <ul className="easel-run-list" aria-label="Runs">
          {projection.runs.map((run) => (
            <li key={run.id} data-testid={`run-${run.id}`} aria-current={run.id === selected ? 'true' : undefined}>
              {readOnly ? (
                <span>{run.goal === '' ? run.id : run.goal}</span>
              ) : (
                <button
                  type="button"
                  aria-pressed={run.id === selected}
                  onClick={() => void emit.setToken('console.run_id', run.id)}
                >
                  {run.goal === '' ? run.id : run.goal}
                </button>
              )}{' '}
              <span className="easel-run-record-status">{run.verdict ?? run.status}</span>
            </li>
          ))}
        </ul>
      )}
      {selected !== null && feed === null ? (
        <p className="easel-run-feed-missing" role="note">
          Live events of run {selected} appear here when the host follows its stream.
        </p>
      ) : null}
      <RunConsole
        run={feed}
        {...(props.turns !== undefined ? { turns: props.turns } : {})}
        showThoughts={projection.showThoughts}
      />
    </section>
  );
}
