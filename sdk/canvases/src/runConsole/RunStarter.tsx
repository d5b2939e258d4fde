import { type CommandEmitter, ReasonButton } from '@easel/harness';
import { type FormEvent, useId, useState } from 'react';

/** How the host starts a run for this console (`POST /v1/runs`): its id, or why not. */
export type StartRun = (
  goal: string,
) => Promise<{ ok: true; runId: string } | { ok: false; code: string; message: string }>;

type StarterState = { kind: 'idle' } | { kind: 'starting' } | { kind: 'failed'; message: string };

/**
 * "Start a run": a goal, sent through the host's `startRun`; the new run is recorded in the
 * console's `runs` root (`{goal, status: 'running', started_at}`) and followed (`console.run_id`),
 * so everyone on the canvas sees it and its live events. A refusal is shown with its reason; so is
 * why "Start run" is off (no goal yet), on focus, hover or a press.
 */
export function RunStarter(props: { startRun: StartRun; emit: CommandEmitter }) {
  const { startRun, emit } = props;
  const goalId = useId();
  const [goal, setGoal] = useState('');
  const [state, setState] = useState<StarterState>({ kind: 'idle' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = goal.trim();
    if (text === '' || state.kind === 'starting') return;
    setState({ kind: 'starting' });
    const started = await startRun(text);
    if (!started.ok) return setState({ kind: 'failed', message: `${started.message} (${started.code})` });
    const record = { goal: text, status: 'running', started_at: new Date().toISOString() };
    const recorded = await emit.ops([{ op: 'insert', root: 'runs', key: started.runId, value: record }]);
    if (!recorded.ok) {
      const message = `run ${started.runId} started, but not recorded here: ${recorded.message} (${recorded.code})`;
      return setState({ kind: 'failed', message });
    }
    await emit.setToken('console.run_id', started.runId);
    setGoal('');
    setState({ kind: 'idle' });
  };

  return (
    <form className="easel-run-starter" aria-label="Start a run" onSubmit={(event) => void submit(event)}>
      <label htmlFor={goalId}>Goal</label>
      <input
        id={goalId}
        type="text"
        className="easel-run-starter__goal"
        value={goal}
        maxLength={2000}
        placeholder="What should the agent do?"
        data-testid="run-goal"
        onChange={(event) => setGoal(event.target.value)}
      />
      <ReasonButton
        type="submit"
        className="easel-run-starter__start"
        data-testid="run-start"
        reason={goal.trim() === '' ? 'Write a goal first.' : null}
        reasonTestId="run-start-reason"
        busy={state.kind === 'starting'}
      >
        {state.kind === 'starting' ? 'Starting…' : 'Start run'}
      </ReasonButton>
      {state.kind === 'failed' ? (
        <p className="easel-run-starter__error" role="alert">
          Could not start the run: {state.message}
        </p>
      ) : null}
    </form>
  );
}
